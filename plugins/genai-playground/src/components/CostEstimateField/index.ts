export {
  GenaiCostEstimateField,
  readCostInput,
  formatMonthlyTotal,
} from './CostEstimateField';
export {
  GenaiCostEstimateFieldSchema,
  GENAI_COST_ESTIMATE_FIELD_NAME,
} from './schema';
