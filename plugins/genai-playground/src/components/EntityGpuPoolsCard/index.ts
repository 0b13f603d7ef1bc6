export { EntityGpuPoolsCard } from './EntityGpuPoolsCard';
