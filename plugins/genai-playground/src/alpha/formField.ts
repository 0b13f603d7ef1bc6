import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  GenaiCostEstimateField,
  GenaiCostEstimateFieldSchema,
  GENAI_COST_ESTIMATE_FIELD_NAME,
} from '../components/CostEstimateField';

/** The `GenaiCostEstimate` field, loaded lazily by the scaffolder's form. */
export const genaiCostEstimateFormField = createFormField({
  name: GENAI_COST_ESTIMATE_FIELD_NAME,
  component: GenaiCostEstimateField,
  schema: GenaiCostEstimateFieldSchema,
});
