import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { PendingGpuDemand } from '@genai-portal/plugin-genai-insights-common';
import { teamName } from '@genai-portal/plugin-genai-insights-react';
import { formatAgo, formatDateTime } from '../../lib/gpu';

const byPool = (a: PendingGpuDemand, b: PendingGpuDemand) =>
  (a.pool ?? '').localeCompare(b.pool ?? '') ||
  Date.parse(a.since) - Date.parse(b.since);

/** Pods (and Kueue workloads) waiting for GPUs, per pool, longest waiting first. */
export function PendingDemandTable(props: {
  pending: PendingGpuDemand[];
  now: Date;
}) {
  const { now } = props;
  if (props.pending.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="gpu-pending-none"
      >
        Nothing is waiting for GPUs.
      </Typography>
    );
  }
  const pending = [...props.pending].sort(byPool);
  const totals = new Map<string, number>();
  for (const p of pending) {
    const pool = p.pool ?? '(any pool)';
    totals.set(pool, (totals.get(pool) ?? 0) + p.gpus);
  }
  return (
    <>
      <Box mb={1}>
        <Typography variant="body2" data-testid="gpu-pending-totals">
          {[...totals.entries()]
            .map(([pool, gpus]) => `${pool}: ${gpus} GPUs waiting`)
            .join(' · ')}
        </Typography>
      </Box>
      <Box style={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Pending GPU demand">
          <TableHead>
            <TableRow>
              <TableCell>Pod</TableCell>
              <TableCell>Team</TableCell>
              <TableCell>Pool</TableCell>
              <TableCell align="right">GPUs</TableCell>
              <TableCell>Waiting since</TableCell>
              <TableCell>Reason</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {pending.map((p, i) => (
              <TableRow key={`${p.namespace}/${p.name}/${i}`}>
                <TableCell>
                  {p.visible
                    ? `${p.namespace}/${p.name}${
                        p.source === 'kueue' ? ' (Kueue workload)' : ''
                      }`
                    : "Another team's workload"}
                </TableCell>
                <TableCell>
                  {p.visible && p.team ? teamName(p.team) : '—'}
                </TableCell>
                <TableCell>{p.pool ?? '—'}</TableCell>
                <TableCell align="right">{p.gpus}</TableCell>
                <TableCell>
                  {formatAgo(p.since, now)}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {formatDateTime(p.since)}
                  </Typography>
                </TableCell>
                <TableCell>
                  <Typography variant="body2" style={{ maxWidth: 420 }}>
                    {p.reason ?? '—'}
                  </Typography>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
    </>
  );
}
