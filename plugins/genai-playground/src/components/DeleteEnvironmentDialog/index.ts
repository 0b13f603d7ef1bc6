export { DeleteEnvironmentDialog } from './DeleteEnvironmentDialog';
export type { DeleteEnvironmentDialogProps } from './DeleteEnvironmentDialog';
