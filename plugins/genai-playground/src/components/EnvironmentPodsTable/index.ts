export { EnvironmentPodsTable } from './EnvironmentPodsTable';
