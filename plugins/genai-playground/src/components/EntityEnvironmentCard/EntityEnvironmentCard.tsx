import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEnvironment } from '@genai-portal/plugin-genai-playground-react';
import { useEnvironmentLink } from '../../hooks/useEnvironmentLink';
import { isNotVisible } from '../../lib/errors';
import { formatDateTime, formatRelative, shortRef } from '../../lib/format';
import { environmentQuota, QuotaResource } from '../../lib/environmentQuota';
import { EnvironmentStatusChip } from '../EnvironmentStatusChip';
import { ExpiryText } from '../ExpiryText';
import { QuotaBar } from '../QuotaBar';

const BARS: Array<[QuotaResource, string, string | undefined]> = [
  ['gpus', 'GPU', 'GPUs'],
  ['cpu', 'CPU', 'cores'],
  ['memoryGi', 'Memory', 'GiB'],
  ['pods', 'Pods', undefined],
];

/**
 * The playground environment behind a `Resource` entity of type `playground-environment`
 * (its `metadata.name` is the environment's namespace): status, quota, expiry and pods.
 * @public
 */
export function EntityEnvironmentCard() {
  const { entity } = useEntity();
  const id = entity.metadata.name;
  const { value: environment, loading, error } = useEnvironment(id);
  const environmentLink = useEnvironmentLink();
  const href = environmentLink(id);

  let content: React.ReactNode;
  if (loading && !environment) {
    content = <Progress />;
  } else if (error && isNotVisible(error)) {
    content = (
      <Typography color="textSecondary">
        The GPU Playground has no environment {id} that you may see; it may have
        been deleted.
      </Typography>
    );
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (environment) {
    const quota = environmentQuota(environment);
    const gone =
      environment.status === 'deleted' || environment.status === 'deleting';
    content = (
      <>
        {environment.clusterError && (
          <Box mb={2}>
            <Alert severity="warning">
              The cluster could not be read: {environment.clusterError}
            </Alert>
          </Box>
        )}
        <Box display="flex" alignItems="center" mb={2} style={{ gap: 16 }}>
          <EnvironmentStatusChip status={environment.status} />
          <Typography variant="body2">
            {gone ? 'Lease ended ' : 'Expires '}
            <ExpiryText expiresAt={environment.expiresAt} inactive={gone} />
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {shortRef(environment.team)} · {environment.gpuPool}
          </Typography>
        </Box>
        <Grid container spacing={2}>
          {BARS.map(([resource, label, unit]) => (
            <Grid item xs={6} key={resource}>
              <Typography variant="caption">{label}</Typography>
              <QuotaBar
                label={label}
                used={quota[resource].used}
                hard={quota[resource].hard}
                unit={unit}
              />
            </Grid>
          ))}
        </Grid>
        {environment.quotaUsage && (
          <Typography variant="caption" color="textSecondary">
            Usage read {formatRelative(environment.quotaUsage.readAt)} (
            {formatDateTime(environment.quotaUsage.readAt)})
          </Typography>
        )}
        <Box mt={2}>
          <Typography variant="subtitle2">
            Pods ({environment.pods.length})
          </Typography>
          {environment.pods.length === 0 ? (
            <Typography variant="body2" color="textSecondary">
              No pods are running.
            </Typography>
          ) : (
            <List dense disablePadding>
              {environment.pods.slice(0, 8).map(pod => (
                <ListItem key={pod.name} disableGutters>
                  <ListItemText
                    primary={pod.name}
                    secondary={`${pod.phase}${
                      pod.node ? ` on ${pod.node}` : ''
                    } · ${pod.gpus} GPU${pod.gpus === 1 ? '' : 's'}`}
                  />
                </ListItem>
              ))}
            </List>
          )}
          {environment.pods.length > 8 && (
            <Typography variant="caption" color="textSecondary">
              and {environment.pods.length - 8} more
            </Typography>
          )}
        </Box>
      </>
    );
  }

  return (
    <InfoCard
      title="Playground environment"
      deepLink={
        href ? { title: 'Open in GPU Playground', link: href } : undefined
      }
    >
      {content}
    </InfoCard>
  );
}
