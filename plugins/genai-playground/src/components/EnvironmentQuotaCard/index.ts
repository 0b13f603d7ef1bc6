export { EnvironmentQuotaCard } from './EnvironmentQuotaCard';
