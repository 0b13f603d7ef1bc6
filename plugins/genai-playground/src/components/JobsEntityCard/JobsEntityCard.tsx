import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { useJobs } from '@genai-portal/plugin-genai-playground-react';
import { useJobLink } from '../../hooks/useJobLink';
import { formatRelative, shortRef } from '../../lib/format';
import {
  formatGpuHours,
  formatJobGpus,
  jobGpuHours,
} from '../../lib/jobFormat';
import { jobsRouteRef } from '../../routes';
import { JobsStatusChip } from '../JobsStatusChip';

/** How many jobs the card lists. */
const RECENT = 8;

function useJobsLink(): string | undefined {
  try {
    // eslint-disable-next-line react-hooks/rules-of-hooks
    return useRouteRef(jobsRouteRef)();
  } catch {
    return undefined;
  }
}

/**
 * The recent blueprint jobs of a playground environment (on its `Resource` entity) or of a team
 * (on its `Group`): status, GPUs, GPU-hours and who submitted them.
 * @public
 */
export function JobsEntityCard() {
  const { entity } = useEntity();
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  const query = isGroup
    ? { team: stringifyEntityRef(entity), limit: RECENT }
    : { environment: entity.metadata.name, limit: RECENT };
  const jobs = useJobs(query, { pollMs: 10_000 });
  const jobLink = useJobLink();
  const jobsLink = useJobsLink();

  let content;
  if (jobs.loading && !jobs.value) {
    content = <Progress />;
  } else if (jobs.error) {
    content = <ResponseErrorPanel error={jobs.error} />;
  } else if ((jobs.value ?? []).length === 0) {
    content = (
      <Typography color="textSecondary">
        No blueprint jobs {isGroup ? 'of this team' : 'in this environment'}{' '}
        yet.
      </Typography>
    );
  } else {
    content = (
      <List dense disablePadding data-testid="recent-jobs">
        {jobs.value!.map(job => {
          const href = jobLink(job.id);
          return (
            <ListItem
              key={job.id}
              disableGutters
              // room for the status chip on the right
              style={{ paddingRight: 104 }}
            >
              <ListItemText
                primary={href ? <Link to={href}>{job.name}</Link> : job.name}
                secondary={`${formatJobGpus(job)} GPUs · ${formatGpuHours(
                  jobGpuHours(job),
                )} GPU-h · ${shortRef(job.owner)}${
                  isGroup ? ` · ${job.environmentId}` : ''
                } · ${formatRelative(job.submittedAt)}${
                  job.reason ? ` · ${job.reason}` : ''
                }`}
              />
              <ListItemSecondaryAction>
                <JobsStatusChip status={job.status} />
              </ListItemSecondaryAction>
            </ListItem>
          );
        })}
      </List>
    );
  }
  return (
    <InfoCard
      title="Blueprint jobs"
      subheader={
        isGroup ? 'Recent jobs of the team' : 'Recent jobs in this environment'
      }
      deepLink={jobsLink ? { title: 'All jobs', link: jobsLink } : undefined}
    >
      {content}
    </InfoCard>
  );
}
