export { ExtendLeaseDialog } from './ExtendLeaseDialog';
export type { ExtendLeaseDialogProps } from './ExtendLeaseDialog';
