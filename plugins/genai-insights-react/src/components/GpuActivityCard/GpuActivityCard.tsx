import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { genaiInsightsApiRef, type GpuActivityQuery } from '../../api';
import { errorMessage, isNotAllowed } from '../../lib/errors';
import { formatActivity, formatGpuHours } from '../../lib/gpu';
import { Refusal } from '../Refusal';
import { ActivitySparkline } from './ActivitySparkline';

/** Props of {@link GpuActivityCard}. @public */
export interface GpuActivityCardProps {
  /** What to ask `GET /gpu/activity` for; undefined when it cannot be asked (says `unavailable`). */
  query?: GpuActivityQuery;
  title: string;
  subheader?: string;
  /** A link to the GPU page, when the app has one. */
  link?: { title: string; href: string };
  /** Whose GPUs, for the refusal. */
  teams: string[];
  /** What the card says when nothing held GPUs in the range. */
  empty: string;
  /** What the card says when there is no query. */
  unavailable?: string;
}

/**
 * The GPUs of an environment, a job or a team over a range: the mean activity, the allocated
 * GPU-hours, and a small chart of mean activity and GPUs held. Shared by the entity cards and
 * the job card.
 * @public
 */
export function GpuActivityCard(props: GpuActivityCardProps) {
  const { query } = props;
  const api = useApi(genaiInsightsApiRef);
  const key = query ? JSON.stringify(query) : '';
  const answer = useAsync(
    async () => (query ? api.getGpuActivity(query) : undefined),
    // The query object is new on each render of the caller; its content is what counts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key],
  );

  let body;
  if (!query) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {props.unavailable}
      </Typography>
    );
  } else if (answer.error && isNotAllowed(answer.error)) {
    body = (
      <Refusal
        teams={props.teams}
        subject="gpus"
        message={errorMessage(answer.error)}
      />
    );
  } else if (answer.error) {
    body = <Alert severity="error">{errorMessage(answer.error)}</Alert>;
  } else if (answer.loading || !answer.value) {
    body = <Progress />;
  } else {
    const a = answer.value;
    const held = a.allocatedGpuHours > 0 || a.points.some(p => p.gpus > 0);
    body = (
      <>
        {!a.prometheus.available && (
          <Box mb={1}>
            <Alert severity="warning" data-testid="gpu-prometheus-down">
              GPU activity is unavailable:{' '}
              {a.prometheus.reason.replace(/\.$/, '')}. Allocation below is from
              the cluster.
            </Alert>
          </Box>
        )}
        {held ? (
          <>
            <Grid container spacing={2}>
              <Grid item xs={6}>
                <Typography
                  variant="h5"
                  component="p"
                  data-testid="gpu-activity-mean"
                >
                  {formatActivity(a.meanActivity)}
                </Typography>
                <Typography variant="body2" color="textSecondary">
                  mean activity
                </Typography>
              </Grid>
              <Grid item xs={6}>
                <Typography
                  variant="h5"
                  component="p"
                  data-testid="gpu-activity-hours"
                >
                  {formatGpuHours(a.allocatedGpuHours)}
                </Typography>
                <Typography variant="body2" color="textSecondary">
                  GPU-hours allocated
                </Typography>
              </Grid>
            </Grid>
            <Box mt={2}>
              <ActivitySparkline points={a.points} from={a.from} to={a.to} />
            </Box>
            {a.devices.length > 0 && (
              <Box mt={1}>
                <Typography variant="caption" color="textSecondary">
                  {a.devices.length} {a.devices.length === 1 ? 'GPU' : 'GPUs'}:{' '}
                  {a.devices
                    .slice(0, 8)
                    .map(
                      d =>
                        `${d.node}/${d.gpuId} ${formatActivity(
                          d.meanActivity,
                        )}`,
                    )
                    .join(', ')}
                  {a.devices.length > 8 ? ', …' : ''}
                </Typography>
              </Box>
            )}
          </>
        ) : (
          <Typography
            variant="body2"
            color="textSecondary"
            data-testid="gpu-activity-empty"
          >
            {props.empty}
          </Typography>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title={props.title}
      subheader={props.subheader}
      deepLink={
        props.link
          ? { title: props.link.title, link: props.link.href }
          : undefined
      }
    >
      {body}
    </InfoCard>
  );
}
