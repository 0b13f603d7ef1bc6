import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  jobCancelPermission,
  type JobPod,
  type JobWithDetails,
} from '@genai-portal/plugin-genai-playground-common';
import { useJob } from '@genai-portal/plugin-genai-playground-react';
import { ReactNode, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import { useEnvironmentLink } from '../../hooks/useEnvironmentLink';
import { isNotFound } from '../../lib/errors';
import { formatDateTime, formatRelative, shortRef } from '../../lib/format';
import {
  formatDuration,
  formatGpuHours,
  formatJobGpus,
  jobGpuHours,
  jobRuntimeSeconds,
} from '../../lib/jobFormat';
import { jobsRouteRef } from '../../routes';
import { JobsCancelDialog } from '../JobsCancelDialog';
import { JobsEventsTable } from '../JobsEventsTable';
import { JobsLogViewer } from '../JobsLogViewer';
import { JobsStatusChip } from '../JobsStatusChip';
import { JobsTimeline } from '../JobsTimeline';

function Label(props: { label: string; children: ReactNode }) {
  return (
    <Box mr={4} mb={1}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </Box>
  );
}

/** What the job waits for, or why it failed, in an alert of the matching severity. */
function StatusAlert(props: { job: JobWithDetails }) {
  const { job } = props;
  if (!job.statusMessage && !job.reason) {
    return null;
  }
  if (job.status === 'Failed') {
    return (
      <Alert severity="error" data-testid="job-failure">
        <AlertTitle>Failed: {job.reason ?? 'unknown reason'}</AlertTitle>
        {job.statusMessage}
      </Alert>
    );
  }
  if (job.status === 'Pending' || job.status === 'Running') {
    if (!job.reason && job.status === 'Running') {
      return null;
    }
    const severity =
      job.reason === 'ExceededQuota' || job.reason === 'ImagePullBackOff'
        ? 'warning'
        : 'info';
    return (
      <Alert severity={severity} data-testid="job-waiting">
        {job.reason && <AlertTitle>{job.reason}</AlertTitle>}
        {job.statusMessage}
      </Alert>
    );
  }
  return null;
}

function PodsTable(props: { pods: JobPod[] }) {
  return (
    <Table<JobPod>
      title="Pods"
      data={props.pods}
      columns={[
        {
          title: 'Name',
          field: 'name',
          highlight: true,
          render: p => (
            <>
              {p.index !== undefined && (
                <Chip size="small" label={`#${p.index}`} />
              )}{' '}
              {p.name}
            </>
          ),
        },
        { title: 'Phase', field: 'phase' },
        { title: 'Reason', field: 'reason' },
        { title: 'Exit code', field: 'exitCode', type: 'numeric' },
        { title: 'Restarts', field: 'restarts', type: 'numeric' },
        { title: 'Node', field: 'node' },
        {
          title: 'Started',
          field: 'startedAt',
          render: p => (p.startedAt ? formatRelative(p.startedAt) : '–'),
        },
      ]}
      emptyContent={
        <Typography color="textSecondary" style={{ padding: 16 }}>
          No pods: not created yet, or gone with the Job.
        </Typography>
      }
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
}

function JobHeader(props: { job: JobWithDetails; onCancel?: () => void }) {
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

/**
 * One job: its status (what it waits for, or why it failed), resources and GPU-hours, a cancel
 * button, the status timeline, live logs that follow the running pod, its pods and Kubernetes
 * events. It loads again every few seconds until the job ends.
 * @public
 */
export function JobsDetailPage(props: { id?: string }) {
  const params = useParams();
  const id = props.id ?? params.id ?? '';
  const jobsLink = useRouteRef(jobsRouteRef);
  const alertApi = useApi(alertApiRef);
  const { value: job, loading, error, retry } = useJob(id);
  const [cancelling, setCancelling] = useState(false);
  const canCancel = usePermission({
    permission: jobCancelPermission,
    resourceRef: job?.environmentId,
  });

  let content: ReactNode;
  if (loading && !job) {
    content = <Progress />;
  } else if (error && isNotFound(error) && !job) {
    content = (
      <EmptyState
        missing="data"
        title={`Job ${id} not found`}
        description="There is no job with this id, or you may not see it."
      />
    );
  } else if (error && !job) {
    content = <ResponseErrorPanel error={error} />;
  } else if (job) {
    const live = job.status === 'Pending' || job.status === 'Running';
    content = (
      <>
        <JobHeader
          job={job}
          onCancel={
            live && canCancel.allowed ? () => setCancelling(true) : undefined
          }
        />
        {job.clusterError && (
          <Box mb={2}>
            <Alert severity="warning">
              <AlertTitle>The cluster could not be read</AlertTitle>
              Pods, events and logs are not shown: {job.clusterError}
            </Alert>
          </Box>
        )}
        <Box mb={2}>
          <StatusAlert job={job} />
        </Box>
        <Grid container spacing={3}>
          <Grid item xs={12} lg={8}>
            <JobsLogViewer job={job} />
          </Grid>
          <Grid item xs={12} lg={4}>
            <InfoCard title="Status timeline">
              <JobsTimeline timeline={job.timeline} />
            </InfoCard>
          </Grid>
          <Grid item xs={12}>
            <PodsTable pods={job.podDetails} />
          </Grid>
          <Grid item xs={12}>
            <JobsEventsTable events={job.events} />
          </Grid>
        </Grid>
        <JobsCancelDialog
          open={cancelling}
          job={job}
          onClose={() => setCancelling(false)}
          onCancelled={cancelled => {
            alertApi.post({
              message: `${cancelled.name} is cancelled`,
              severity: 'info',
              display: 'transient',
            });
            retry();
          }}
        />
      </>
    );
  }

  return (
    <>
      <Box mb={2}>
        <Button
          component={RouterLink}
          to={jobsLink()}
          startIcon={<ArrowBackIcon />}
          size="small"
        >
          All jobs
        </Button>
      </Box>
      {content}
    </>
  );
}
