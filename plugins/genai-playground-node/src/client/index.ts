export { GenaiPlaygroundClient } from './GenaiPlaygroundClient';
export type { GenaiPlaygroundClientOptions } from './GenaiPlaygroundClient';
