export { RevokeApiKeyDialog } from './RevokeApiKeyDialog';
