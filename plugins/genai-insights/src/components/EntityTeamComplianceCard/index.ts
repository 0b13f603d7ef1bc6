export { EntityTeamComplianceCard } from './EntityTeamComplianceCard';
