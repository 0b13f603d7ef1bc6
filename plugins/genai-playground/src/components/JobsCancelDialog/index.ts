export { JobsCancelDialog } from './JobsCancelDialog';
export type { JobsCancelDialogProps } from './JobsCancelDialog';
