export { EntityTeamQuotaCard } from './EntityTeamQuotaCard';
