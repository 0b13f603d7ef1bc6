import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Alert from '@material-ui/lab/Alert';
import type { Job } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../lib/errors';

/** @public */
export interface JobsCancelDialogProps {
  open: boolean;
  job: Pick<Job, 'id' | 'name' | 'namespace' | 'kubernetesName'>;
  onClose: () => void;
  onCancelled: (job: Job) => void;
}

/**
 * Cancels a job: its Kubernetes Job is deleted with its pods, in the background (at once) or in
 * the foreground (the Job goes once its pods have gone). The record keeps who cancelled it.
 * @public
 */
export function JobsCancelDialog(props: JobsCancelDialogProps) {
  const { open, job, onClose, onCancelled } = props;
  const api = useApi(genaiPlaygroundApiRef);
  const [policy, setPolicy] = useState<'Background' | 'Foreground'>(
    'Background',
  );
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    if (open) {
      setFailure(undefined);
    }
  }, [open]);

  const submit = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const cancelled = await api.cancelJob(job.id, {
        propagationPolicy: policy,
      });
      onCancelled(cancelled);
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
      <DialogTitle>Cancel {job.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          This deletes the Job <strong>{job.kubernetesName}</strong> in{' '}
          {job.namespace} and its pods; their GPUs are freed. The job&apos;s
          record, events seen so far and GPU-hours stay.
        </DialogContentText>
        <RadioGroup
          aria-label="How the pods go"
          value={policy}
          onChange={e =>
            setPolicy(e.target.value as 'Background' | 'Foreground')
          }
        >
          <FormControlLabel
            value="Background"
            control={<Radio />}
            label="Background: the Job goes at once, its pods right after"
          />
          <FormControlLabel
            value="Foreground"
            control={<Radio />}
            label="Foreground: the Job goes once its pods have gone"
          />
        </RadioGroup>
        {failure && <Alert severity="error">{failure}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Keep running
        </Button>
        <Button
          onClick={submit}
          color="secondary"
          variant="contained"
          disabled={busy}
        >
          Cancel job
        </Button>
      </DialogActions>
    </Dialog>
  );
}
