import { Link } from '@backstage/core-components';
import type { JobWithDetails } from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { useEnvironmentLink } from '../../hooks/useEnvironmentLink';
import { formatDateTime, shortRef } from '../../lib/format';
import {
  formatDuration,
  formatGpuHours,
  formatJobGpus,
  jobGpuHours,
  jobRuntimeSeconds,
} from '../../lib/jobFormat';
import { JobsStatusChip } from '../JobsStatusChip';
import { LabelledValue as Label } from '../LabelledValue';

/** A job's name, status and facts (environment, GPUs, runtime, GPU-hours, image), with Cancel. */
export function JobHeader(props: {
  job: JobWithDetails;
  onCancel?: () => void;
}) {
  const { job, onCancel } = props;
  const environmentLink = useEnvironmentLink();
  const envHref = environmentLink(job.environmentId);
  const runtime = jobRuntimeSeconds(job);
  return (
    <Box mb={3}>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 12 }}
      >
        <Typography variant="h4" component="h1">
          {job.name}
        </Typography>
        <JobsStatusChip status={job.status} size="medium" />
        <Chip size="small" variant="outlined" label={job.gpuPool} />
        <Box flexGrow={1} />
        {onCancel && (
          <Button variant="outlined" color="secondary" onClick={onCancel}>
            Cancel job
          </Button>
        )}
      </Box>
      <Box display="flex" flexWrap="wrap" mt={2}>
        <Label label="Environment">
          {envHref ? (
            <Link to={envHref}>{job.environmentId}</Link>
          ) : (
            job.environmentId
          )}
        </Label>
        <Label label="Team">{shortRef(job.team)}</Label>
        <Label label="Owner">{shortRef(job.owner)}</Label>
        <Label label="GPUs">
          {formatJobGpus(job)} × {job.gpuPool.toUpperCase()}
        </Label>
        <Label label="Runtime">
          {runtime === undefined ? 'not started' : formatDuration(runtime)} (max{' '}
          {job.maxRuntimeHours} h)
        </Label>
        <Label label="GPU-hours">{formatGpuHours(jobGpuHours(job))}</Label>
        <Label label="Kubernetes Job">
          {job.namespace}/{job.kubernetesName}
        </Label>
        <Label label="Submitted">{formatDateTime(job.submittedAt)}</Label>
        {job.finishedAt && (
          <Label label="Ended">{formatDateTime(job.finishedAt)}</Label>
        )}
        {job.cancelledBy && (
          <Label label="Cancelled by">{shortRef(job.cancelledBy)}</Label>
        )}
      </Box>
      <Typography variant="body2" color="textSecondary" component="div">
        <code>{job.image}</code>
        {job.command && <code> {job.command.join(' ')}</code>}
        {job.args && <code> {job.args.join(' ')}</code>}
      </Typography>
      {job.description && (
        <Typography variant="body1" color="textSecondary">
          {job.description}
        </Typography>
      )}
    </Box>
  );
}
