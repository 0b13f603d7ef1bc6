/**
 * The genai-insights backend plugin: an hourly cost ledger of GPUs, CPU, memory, storage and
 * tokens, with budgets, forecasts and exports.
 *
 * @packageDocumentation
 */
export { genaiInsightsPlugin as default } from './plugin';
