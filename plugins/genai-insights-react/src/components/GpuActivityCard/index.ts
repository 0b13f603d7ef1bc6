export { GpuActivityCard, type GpuActivityCardProps } from './GpuActivityCard';
