export { StatusChip } from './StatusChip';
export type { StatusTone } from './StatusChip';
