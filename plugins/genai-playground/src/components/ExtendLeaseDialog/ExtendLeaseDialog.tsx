import { useApi } from '@backstage/core-plugin-api';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import type { Environment } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { useEffect, useState } from 'react';
import { useConfirmAction } from '../../hooks/useConfirmAction';
import { ConfirmDialog } from '../ConfirmDialog';
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
  const { busy, failure, confirm } = useConfirmAction(open, async () => {
    onExtended(
      await api.extendEnvironment(environment.id, { ttlHours: Number(text) }),
    );
    onClose();
  });

  useEffect(() => {
    if (open) {
      setText(initial);
    }
  }, [open, initial]);

  const invalid = validateHours(text, maxTtlHours);
  const newExpiry = invalid
    ? undefined
    : new Date(Date.now() + Number(text) * 3600_000);

  return (
    <ConfirmDialog
      open={open}
      title={`Extend ${environment.name}`}
      cancelLabel="Cancel"
      confirmLabel="Extend"
      confirmColor="primary"
      confirmDisabled={!!invalid}
      busy={busy}
      failure={failure}
      onConfirm={confirm}
      onClose={onClose}
    >
      <DialogContentText>
        The lease now ends {formatDateTime(environment.expiresAt)}. Renew it to
        end a number of hours from now, up to {maxTtlHours} hours.
      </DialogContentText>
      <TextField
        fullWidth
        id="genai-playground-extend-hours"
        label="Hours from now"
        type="number"
        value={text}
        onChange={e => setText(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter' && !invalid) {
            confirm();
          }
        }}
        inputProps={{ min: 1, max: maxTtlHours, step: 1 }}
        error={!!invalid}
        helperText={
          invalid ??
          (newExpiry ? `Expires ${formatDateTime(newExpiry)}` : undefined)
        }
      />
    </ConfirmDialog>
  );
}
