export { CostBreakdown } from './CostBreakdown';
