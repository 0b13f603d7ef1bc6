export { EntityTeamGpuCard } from './EntityTeamGpuCard';
