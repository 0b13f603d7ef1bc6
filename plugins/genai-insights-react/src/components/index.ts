export { GpuActivityCard, type GpuActivityCardProps } from './GpuActivityCard';
export {
  JobGpuActivityCard,
  type JobGpuActivityCardProps,
} from './JobGpuActivityCard';
export {
  Refusal,
  refusalText,
  type RefusalProps,
  type RefusalSubject,
} from './Refusal';
