import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import type { ReactNode } from 'react';

/** @public */
export interface ConfirmDialogProps {
  open: boolean;
  title: ReactNode;
  /** What the action does, and any field it needs. */
  children: ReactNode;
  cancelLabel: string;
  confirmLabel: string;
  /** `secondary` for what cannot be undone. */
  confirmColor: 'primary' | 'secondary';
  confirmDisabled?: boolean;
  /** While the action runs (`useConfirmAction`) the dialog may not close. */
  busy: boolean;
  failure?: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** A small dialog that asks before an action, and shows why it failed. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, busy, failure, onClose } = props;
  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      maxWidth="xs"
      fullWidth
    >
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent>
        {props.children}
        {failure && (
          <Alert severity="error" style={{ marginTop: 16 }}>
            {failure}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {props.cancelLabel}
        </Button>
        <Button
          variant="contained"
          color={props.confirmColor}
          onClick={props.onConfirm}
          disabled={props.confirmDisabled || busy}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
