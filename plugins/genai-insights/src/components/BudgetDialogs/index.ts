export {
  SetBudgetDialog,
  RemoveBudgetDialog,
  validateAmount,
  type BudgetTarget,
} from './BudgetDialogs';
