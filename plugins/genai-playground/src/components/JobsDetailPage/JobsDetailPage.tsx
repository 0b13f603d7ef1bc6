import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { jobCancelPermission } from '@genai-portal/plugin-genai-playground-common';
import { useJob } from '@genai-portal/plugin-genai-playground-react';
import { ReactNode, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import { isNotFound } from '../../lib/errors';
import { jobsRouteRef } from '../../routes';
import { JobGpuCard } from '../JobGpuCard';
import { JobHeader } from '../JobHeader';
import { JobPodsTable } from '../JobPodsTable';
import { JobsCancelDialog } from '../JobsCancelDialog';
import { JobsEventsTable } from '../JobsEventsTable';
import { JobsLogViewer } from '../JobsLogViewer';
import { JobStatusAlert } from '../JobStatusAlert';
import { JobsTimeline } from '../JobsTimeline';

/**
 * One job: its status (what it waits for, or why it failed), resources and GPU-hours, a cancel
 * button, the status timeline, its GPUs' activity over the run (when the app has genai-insights),
 * live logs that follow the running pod, its pods and Kubernetes events. It loads again every few
 * seconds until the job ends.
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
          <JobStatusAlert job={job} />
        </Box>
        <Grid container spacing={3}>
          <Grid item xs={12} lg={8}>
            <JobsLogViewer job={job} />
          </Grid>
          <Grid item xs={12} lg={4}>
            <InfoCard title="Status timeline">
              <JobsTimeline timeline={job.timeline} />
            </InfoCard>
            <JobGpuCard job={job} />
          </Grid>
          <Grid item xs={12}>
            <JobPodsTable pods={job.podDetails} />
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
