export { EnvironmentLeaseCard } from './EnvironmentLeaseCard';
