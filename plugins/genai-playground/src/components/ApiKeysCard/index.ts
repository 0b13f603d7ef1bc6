export { ApiKeysCard } from './ApiKeysCard';
export { CreateApiKeyDialog, validateApiKeyForm } from './CreateApiKeyDialog';
