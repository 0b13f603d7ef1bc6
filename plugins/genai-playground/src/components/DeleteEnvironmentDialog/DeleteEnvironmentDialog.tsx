import { useApi } from '@backstage/core-plugin-api';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import type { Environment } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { useEffect, useState } from 'react';
import { useConfirmAction } from '../../hooks/useConfirmAction';
import { ConfirmDialog } from '../ConfirmDialog';

/** @public */
export interface DeleteEnvironmentDialogProps {
  open: boolean;
  environment: Pick<Environment, 'id' | 'name' | 'namespace'>;
  onClose: () => void;
  onDeleted: (environment: Environment) => void;
}

/**
 * Deletes an environment after the user typed its name: the namespace goes, and with it every
 * pod, volume and secret in it.
 * @public
 */
export function DeleteEnvironmentDialog(props: DeleteEnvironmentDialogProps) {
  const { open, environment, onClose, onDeleted } = props;
  const api = useApi(genaiPlaygroundApiRef);
  const [typed, setTyped] = useState('');
  const { busy, failure, confirm } = useConfirmAction(open, async () => {
    onDeleted(await api.deleteEnvironment(environment.id));
    onClose();
  });

  useEffect(() => {
    if (open) {
      setTyped('');
    }
  }, [open]);

  const confirmed = typed.trim() === environment.name;

  return (
    <ConfirmDialog
      open={open}
      title={`Delete ${environment.name}?`}
      cancelLabel="Cancel"
      confirmLabel="Delete"
      confirmColor="secondary"
      confirmDisabled={!confirmed}
      busy={busy}
      failure={failure}
      onConfirm={confirm}
      onClose={onClose}
    >
      <DialogContentText>
        This deletes the namespace <strong>{environment.namespace}</strong> with
        every pod, volume and secret in it. It cannot be undone. Type{' '}
        <strong>{environment.name}</strong> to confirm.
      </DialogContentText>
      <TextField
        fullWidth
        id="genai-playground-delete-confirm"
        label="Environment name"
        value={typed}
        onChange={e => setTyped(e.target.value)}
        error={typed !== '' && !confirmed}
        helperText={
          typed !== '' && !confirmed ? 'The name does not match' : undefined
        }
      />
    </ConfirmDialog>
  );
}
