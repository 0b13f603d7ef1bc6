import type { JobWithDetails } from '@genai-portal/plugin-genai-playground-common';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/** What the job waits for, or why it failed, in an alert of the matching severity. */
export function JobStatusAlert(props: { job: JobWithDetails }) {
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
