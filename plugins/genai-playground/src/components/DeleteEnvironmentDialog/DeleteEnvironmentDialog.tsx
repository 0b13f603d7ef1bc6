import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { Environment } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../lib/errors';

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
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    if (open) {
      setTyped('');
      setFailure(undefined);
    }
  }, [open]);

  const confirmed = typed.trim() === environment.name;

  const submit = async () => {
    if (!confirmed) {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const deleted = await api.deleteEnvironment(environment.id);
      onDeleted(deleted);
      onClose();
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      maxWidth="xs"
      fullWidth
    >
      <DialogTitle>Delete {environment.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          This deletes the namespace <strong>{environment.namespace}</strong>{' '}
          with every pod, volume and secret in it. It cannot be undone. Type{' '}
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
        {failure && (
          <Alert severity="error" style={{ marginTop: 16 }}>
            {failure}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          variant="contained"
          color="secondary"
          onClick={submit}
          disabled={!confirmed || busy}
        >
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}
