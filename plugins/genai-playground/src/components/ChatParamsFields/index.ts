export { ChatParamsFields } from './ChatParamsFields';
