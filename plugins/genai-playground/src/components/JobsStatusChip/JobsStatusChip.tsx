import type { JobStatus } from '@genai-portal/plugin-genai-playground-common';
import { StatusChip, StatusTone } from '../StatusChip';

const tones: Record<JobStatus, StatusTone> = {
  Pending: 'pending',
  Running: 'running',
  Succeeded: 'ok',
  Failed: 'error',
  Cancelled: 'ended',
};

/**
 * A job's status as a coloured chip: Pending grey, Running blue, Succeeded green, Failed red,
 * Cancelled light grey.
 * @public
 */
export function JobsStatusChip(props: {
  status: JobStatus;
  size?: 'small' | 'medium';
}) {
  return (
    <StatusChip
      label={props.status}
      tone={tones[props.status]}
      size={props.size}
      data-testid={`job-status-${props.status}`}
    />
  );
}
