export { EntityEnvironmentCostCard } from './EntityEnvironmentCostCard';
