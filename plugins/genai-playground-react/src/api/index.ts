export * from './GenaiPlaygroundApi';
export { GenaiPlaygroundClient } from './GenaiPlaygroundClient';
