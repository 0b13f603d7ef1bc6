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
import { formatDateTime } from '../../lib/format';

/** @public */
export interface ExtendLeaseDialogProps {
  open: boolean;
  environment: Pick<Environment, 'id' | 'name' | 'expiresAt'>;
  /** The longest lease the platform grants (settings.lease.maxTtlHours). */
  maxTtlHours: number;
  /** Proposed at first (settings.lease.defaultTtlHours). */
  defaultTtlHours?: number;
  onClose: () => void;
  onExtended: (environment: Environment) => void;
}

/** Why an hours value is refused, or undefined when it is fine. */
export function validateHours(text: string, max: number): string | undefined {
  if (text.trim() === '') {
    return 'Enter a number of hours';
  }
  const hours = Number(text);
  if (!Number.isInteger(hours)) {
    return 'Whole hours only';
  }
  if (hours < 1) {
    return 'At least 1 hour';
  }
  if (hours > max) {
    return `At most ${max} hours`;
  }
  return undefined;
}

/**
 * Renews an environment's lease: it then expires the given number of hours from now, at most
 * the platform's longest lease.
 * @public
 */
export function ExtendLeaseDialog(props: ExtendLeaseDialogProps) {
  const { open, environment, maxTtlHours, onClose, onExtended } = props;
  const api = useApi(genaiPlaygroundApiRef);
  const initial = String(Math.min(props.defaultTtlHours ?? 24, maxTtlHours));
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    if (open) {
      setText(initial);
      setFailure(undefined);
    }
  }, [open, initial]);

  const invalid = validateHours(text, maxTtlHours);
  const newExpiry = invalid
    ? undefined
    : new Date(Date.now() + Number(text) * 3600_000);

  const submit = async () => {
    if (invalid) {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      const extended = await api.extendEnvironment(environment.id, {
        ttlHours: Number(text),
      });
      onExtended(extended);
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
      <DialogTitle>Extend {environment.name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          The lease now ends {formatDateTime(environment.expiresAt)}. Renew it
          to end a number of hours from now, up to {maxTtlHours} hours.
        </DialogContentText>
        <TextField
          fullWidth
          id="genai-playground-extend-hours"
          label="Hours from now"
          type="number"
          value={text}
          onChange={e => setText(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              submit();
            }
          }}
          inputProps={{ min: 1, max: maxTtlHours, step: 1 }}
          error={!!invalid}
          helperText={
            invalid ??
            (newExpiry ? `Expires ${formatDateTime(newExpiry)}` : undefined)
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
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={!!invalid || busy}
        >
          Extend
        </Button>
      </DialogActions>
    </Dialog>
  );
}
