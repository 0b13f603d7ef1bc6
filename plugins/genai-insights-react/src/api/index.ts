export * from './GenaiInsightsApi';
