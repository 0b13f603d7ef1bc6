export { GenaiInsightsClient } from './GenaiInsightsClient';
