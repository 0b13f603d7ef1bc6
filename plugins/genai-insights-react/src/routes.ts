import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The cost page, mounted at `/genai-insights/cost`; `?team=<name or ref>` (repeatable) picks
 * teams. Created with core-plugin-api so that both the legacy app and the new frontend system
 * can resolve it.
 * @public
 */
export const costRouteRef = createRouteRef({
  id: 'genai-insights-cost',
});

/**
 * The GPU utilization page, mounted at `/genai-insights/gpu`; `?team=<name or ref>` (repeatable)
 * picks teams, like the cost page.
 * @public
 */
export const gpuRouteRef = createRouteRef({
  id: 'genai-insights-gpu',
});

/**
 * The compliance page, mounted at `/genai-insights/compliance`; `?team=<name or ref>`
 * (repeatable) picks teams, like the other pages.
 * @public
 */
export const complianceRouteRef = createRouteRef({
  id: 'genai-insights-compliance',
});
