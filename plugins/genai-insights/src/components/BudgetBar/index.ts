export { BudgetBar } from './BudgetBar';
