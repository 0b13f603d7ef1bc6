export { GpuPoolsCard } from './GpuPoolsCard';
export type { GpuPoolsCardProps } from './GpuPoolsCard';
