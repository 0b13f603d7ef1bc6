export {
  JobGpuActivityCard,
  type JobGpuActivityCardProps,
} from './JobGpuActivityCard';
