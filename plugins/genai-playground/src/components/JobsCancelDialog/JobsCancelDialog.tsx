import { useApi } from '@backstage/core-plugin-api';
import DialogContentText from '@material-ui/core/DialogContentText';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import type { Job } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import { useState } from 'react';
import { useConfirmAction } from '../../hooks/useConfirmAction';
import { ConfirmDialog } from '../ConfirmDialog';

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
  const { busy, failure, confirm } = useConfirmAction(open, async () => {
    onCancelled(await api.cancelJob(job.id, { propagationPolicy: policy }));
    onClose();
  });

  return (
    <ConfirmDialog
      open={open}
      title={`Cancel ${job.name}?`}
      cancelLabel="Keep running"
      confirmLabel="Cancel job"
      confirmColor="secondary"
      busy={busy}
      failure={failure}
      onConfirm={confirm}
      onClose={onClose}
    >
      <DialogContentText>
        This deletes the Job <strong>{job.kubernetesName}</strong> in{' '}
        {job.namespace} and its pods; their GPUs are freed. The job&apos;s
        record, events seen so far and GPU-hours stay.
      </DialogContentText>
      <RadioGroup
        aria-label="How the pods go"
        value={policy}
        onChange={e => setPolicy(e.target.value as 'Background' | 'Foreground')}
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
    </ConfirmDialog>
  );
}
