export { ViewCodeDialog } from './ViewCodeDialog';
