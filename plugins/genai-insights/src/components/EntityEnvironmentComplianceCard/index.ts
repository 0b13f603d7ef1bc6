export { EntityEnvironmentComplianceCard } from './EntityEnvironmentComplianceCard';
