import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  GpuIdleList,
  IdleGpuEpisode,
} from '@genai-portal/plugin-genai-insights-common';
import { teamName } from '@genai-portal/plugin-genai-insights-react';
import { formatMoney } from '../../lib/format';
import {
  environmentCatalogPath,
  formatAgo,
  formatDateTime,
  jobPath,
  refName,
} from '../../lib/gpu';

const KIND_LABELS: Record<IdleGpuEpisode['kind'], string> = {
  job: 'Job',
  inference: 'Inference server',
  other: 'Other',
};

function Workload(props: { episode: IdleGpuEpisode }) {
  const e = props.episode;
  if (e.jobId) {
    return <Link to={jobPath(e.jobId)}>Job {e.jobId}</Link>;
  }
  if (e.model) {
    return <>Model {e.model}</>;
  }
  return <>{e.pod}</>;
}

/**
 * The held GPUs idle now, longest first: where, whose, since when, and what they have cost so far
 * at their pool's price.
 */
export function IdleGpusTable(props: { idle: GpuIdleList; now: Date }) {
  const { idle, now } = props;
  const { currency } = idle;
  if (idle.episodes.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="gpu-idle-none"
      >
        {idle.prometheus.available
          ? 'No held GPU is idle now.'
          : 'Idle GPUs are found from their activity, which is unavailable now.'}
      </Typography>
    );
  }
  return (
    <>
      <Box mb={1}>
        <Typography variant="body1" data-testid="gpu-idle-total">
          {idle.episodes.length} idle{' '}
          {idle.episodes.length === 1 ? 'GPU has' : 'GPUs have'} cost{' '}
          {formatMoney(idle.totalMicros, currency)} so far
        </Typography>
      </Box>
      <Box style={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Idle GPUs">
          <TableHead>
            <TableRow>
              <TableCell>GPU</TableCell>
              <TableCell>Pool</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Team</TableCell>
              <TableCell>Environment</TableCell>
              <TableCell>Job or model</TableCell>
              <TableCell>Idle since</TableCell>
              <TableCell align="right">Cost so far</TableCell>
              <TableCell>Notified</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {idle.episodes.map(e => (
              <TableRow key={e.id} data-testid={`gpu-idle-${e.id}`}>
                <TableCell>
                  {e.node} / GPU {e.gpuId}
                </TableCell>
                <TableCell>{e.pool}</TableCell>
                <TableCell>{KIND_LABELS[e.kind] ?? e.kind}</TableCell>
                <TableCell>{e.owner ? refName(e.owner) : '—'}</TableCell>
                <TableCell>{e.team ? teamName(e.team) : '—'}</TableCell>
                <TableCell>
                  {e.environment ? (
                    // The environment's catalog entity is named after its namespace.
                    <Link to={environmentCatalogPath(e.namespace)}>
                      {e.environment}
                    </Link>
                  ) : (
                    e.namespace
                  )}
                </TableCell>
                <TableCell>
                  <Workload episode={e} />
                </TableCell>
                <TableCell>
                  {formatAgo(e.since, now)}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {formatDateTime(e.since)}
                  </Typography>
                </TableCell>
                <TableCell align="right">
                  {formatMoney(e.costMicros, currency)}
                </TableCell>
                <TableCell>
                  {e.notifiedAt ? (
                    <span title={formatDateTime(e.notifiedAt)}>
                      Yes, {formatAgo(e.notifiedAt, now)}
                    </span>
                  ) : (
                    <>{idle.rule.notify ? 'Not yet' : 'No (notices are off)'}</>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </>
  );
}
