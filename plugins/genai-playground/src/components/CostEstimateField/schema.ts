import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * The field's value is the projected total as text ("USD 8,760.00 / month"), so a template can
 * record it; it takes no ui:options.
 * @public
 */
export const GenaiCostEstimateFieldSchema = makeFieldSchema({
  output: z => z.string(),
});

/** The name templates use: `ui:field: GenaiCostEstimate`. @public */
export const GENAI_COST_ESTIMATE_FIELD_NAME = 'GenaiCostEstimate';
