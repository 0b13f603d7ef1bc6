export { ChatConversation } from './ChatConversation';
