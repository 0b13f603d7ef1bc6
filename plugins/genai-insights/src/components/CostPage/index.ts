export { CostPage, CostPageContent } from './CostPage';
