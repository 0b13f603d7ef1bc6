export { EnvironmentNotFound } from './EnvironmentNotFound';
