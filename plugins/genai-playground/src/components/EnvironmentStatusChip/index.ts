export { EnvironmentStatusChip } from './EnvironmentStatusChip';
