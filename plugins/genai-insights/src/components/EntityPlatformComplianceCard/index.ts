export { EntityPlatformComplianceCard } from './EntityPlatformComplianceCard';
