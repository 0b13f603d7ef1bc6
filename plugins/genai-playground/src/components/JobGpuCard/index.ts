export { JobGpuCard } from './JobGpuCard';
