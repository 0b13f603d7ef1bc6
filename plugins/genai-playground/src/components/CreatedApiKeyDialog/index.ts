export { CreatedApiKeyDialog } from './CreatedApiKeyDialog';
