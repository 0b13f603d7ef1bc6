export * from './GenaiPlaygroundApi';
export { GenaiPlaygroundClient } from './GenaiPlaygroundClient';
export type { GenaiPlaygroundKeysApi } from './GenaiPlaygroundClient';
