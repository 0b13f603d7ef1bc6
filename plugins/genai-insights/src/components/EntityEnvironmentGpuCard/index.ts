export { EntityEnvironmentGpuCard } from './EntityEnvironmentGpuCard';
