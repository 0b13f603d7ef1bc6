export * from './GenaiInsightsApi';
export { GenaiInsightsClient } from './GenaiInsightsClient';
