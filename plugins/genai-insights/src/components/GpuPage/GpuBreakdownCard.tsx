import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  GPU_BREAKDOWNS,
  type GpuBreakdown,
  type GpuBreakdownBy,
  type GpuBreakdownRow,
} from '@genai-portal/plugin-genai-insights-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  genaiInsightsApiRef,
  errorMessage,
  isNotAllowed,
  teamName,
  formatActivity,
  formatGpuHours,
  type GpuTimeRange,
  Refusal,
} from '@genai-portal/plugin-genai-insights-react';
import { formatMoney } from '../../lib/format';
import { formatCompactCount, formatCount, jobPath } from '../../lib/gpu';

export const BREAKDOWN_LABELS: Record<GpuBreakdownBy, string> = {
  team: 'Team',
  environment: 'Environment',
  model: 'Model',
  job: 'Job',
  pool: 'GPU pool',
};

function KeyCell(props: { by: GpuBreakdownBy; row: GpuBreakdownRow }) {
  const { by, row } = props;
  if (!row.key) {
    return <>(none)</>;
  }
  if (by === 'team') {
    return <>{teamName(row.key)}</>;
  }
  if (by === 'job') {
    return <Link to={jobPath(row.key)}>{row.key}</Link>;
  }
  return <>{row.key}</>;
}

/** The rows of `GET /gpu/breakdown` as a table, most GPU-hours first. */
export function GpuBreakdownTable(props: { breakdown: GpuBreakdown }) {
  const { by, rows, currency } = props.breakdown;
  const label = BREAKDOWN_LABELS[by] ?? by;
  const withTeam = by === 'environment' || by === 'model' || by === 'job';
  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No GPU was held in this period.
      </Typography>
    );
  }
  const sorted = [...rows].sort(
    (a, b) => b.allocatedGpuHours - a.allocatedGpuHours,
  );
  return (
    <Box style={{ overflowX: 'auto' }}>
      <Table
        size="small"
        aria-label={`GPU use by ${label.toLocaleLowerCase('en-US')}`}
      >
        <TableHead>
          <TableRow>
            <TableCell>{label}</TableCell>
            {withTeam && <TableCell>Team</TableCell>}
            <TableCell align="right">Allocated GPU-hours</TableCell>
            <TableCell align="right">Mean activity</TableCell>
            <TableCell align="right">Idle GPU-hours</TableCell>
            <TableCell align="right">Idle cost</TableCell>
            <TableCell align="right">Tokens</TableCell>
            <TableCell align="right">Tokens per GPU-hour</TableCell>
            <TableCell align="right">Tokens per kWh</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {sorted.map(row => (
            <TableRow
              key={`${row.team ?? ''}|${row.key}`}
              data-testid={`gpu-breakdown-${row.key}`}
            >
              <TableCell>
                <KeyCell by={by} row={row} />
              </TableCell>
              {withTeam && (
                <TableCell>{row.team ? teamName(row.team) : '—'}</TableCell>
              )}
              <TableCell align="right">
                {formatGpuHours(row.allocatedGpuHours)}
              </TableCell>
              <TableCell align="right">
                {formatActivity(row.meanActivity)}
              </TableCell>
              <TableCell align="right">
                {formatGpuHours(row.idleGpuHours)}
              </TableCell>
              <TableCell align="right">
                {formatMoney(row.idleMicros, currency)}
              </TableCell>
              <TableCell
                align="right"
                title={
                  row.meteredTokens !== null
                    ? `${formatCount(row.meteredTokens)} metered by the gateway`
                    : undefined
                }
              >
                {formatCompactCount(row.generationTokens ?? row.meteredTokens)}
              </TableCell>
              <TableCell align="right">
                {formatCount(row.tokensPerGpuHour)}
              </TableCell>
              <TableCell align="right">
                {formatCount(row.tokensPerKwh)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/**
 * GPU-hours, activity, idle cost and tokens over the page's range, by team, environment, model,
 * job or pool (the card's own selector).
 */
export function GpuBreakdownCard(props: {
  range: GpuTimeRange;
  teams?: string[];
}) {
  const { range, teams } = props;
  const api = useApi(genaiInsightsApiRef);
  const [by, setBy] = useState<GpuBreakdownBy>('team');
  const answer = useAsync(
    () => api.getGpuBreakdown({ ...range, by, teams }),
    [api, range, by, teams],
  );
  return (
    <InfoCard
      title={`GPU use by ${BREAKDOWN_LABELS[by].toLocaleLowerCase('en-US')}`}
      subheader="GPU-hours held, how busy they were, what idling cost, and tokens per GPU-hour and per kWh"
      titleTypographyProps={{ component: 'h2' }}
      action={
        <Box minWidth={160} mt={1} mr={1}>
          <TextField
            select
            fullWidth
            size="small"
            id="genai-insights-gpu-by"
            label="Group by"
            value={by}
            onChange={e => setBy(e.target.value as GpuBreakdownBy)}
          >
            {GPU_BREAKDOWNS.map(key => (
              <MenuItem key={key} value={key}>
                {BREAKDOWN_LABELS[key]}
              </MenuItem>
            ))}
          </TextField>
        </Box>
      }
    >
      {answer.loading && <Progress />}
      {answer.error &&
        (isNotAllowed(answer.error) ? (
          <Refusal
            teams={teams ?? []}
            subject="gpus"
            message={errorMessage(answer.error)}
          />
        ) : (
          <Alert severity="error">{errorMessage(answer.error)}</Alert>
        ))}
      {answer.value && !answer.loading && (
        <GpuBreakdownTable breakdown={answer.value} />
      )}
    </InfoCard>
  );
}
