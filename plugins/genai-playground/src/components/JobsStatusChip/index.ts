export { JobsStatusChip } from './JobsStatusChip';
