import {
  Content,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import type { PrometheusStatus } from '@genai-portal/plugin-genai-insights-common';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  genaiInsightsApiRef,
  type GenaiInsightsScope,
  usePageLink,
  errorMessage,
  isNotAllowed,
  teamParam,
  type GpuTimeRange,
  costRouteRef,
  Refusal,
} from '@genai-portal/plugin-genai-insights-react';
import {
  formatDateTime,
  GPU_RANGE_LABELS,
  idleRuleText,
  resolveGpuRange,
  type GpuRangeKind,
} from '../../lib/gpu';
import { parseTeamParams, teamsOutsideScope } from '../../lib/teams';
import { TeamPicker } from '../TeamPicker';
import { FleetHeatmap } from './FleetHeatmap';
import { GpuBreakdownCard } from './GpuBreakdownCard';
import { GpuUsageChart } from './GpuUsageChart';
import { IdleGpusTable } from './IdleGpusTable';
import { PendingDemandTable } from './PendingDemandTable';
import { PoolSummary } from './PoolSummary';

/** InfoCard titles as headings, so the page reads (and tests find its parts) by them. */
const H2 = { component: 'h2' };

function SectionError(props: { error: unknown }) {
  return <Alert severity="error">{errorMessage(props.error)}</Alert>;
}

/** Prometheus is down (or not configured): activity is missing, allocation is still right. */
export function PrometheusBanner(props: { status?: PrometheusStatus }) {
  const { status } = props;
  if (!status || status.available) {
    return null;
  }
  return (
    <Alert severity="warning" data-testid="gpu-prometheus-down">
      GPU activity is unavailable: {status.reason.replace(/\.$/, '')}.
      Allocation below is from the cluster.
    </Alert>
  );
}

/**
 * Everything with numbers, for a selection the caller may read. Each part loads on its own; a
 * 403 from the fleet, the idle list or the usage shows the refusal in place of all of them.
 */
function GpuView(props: { teams: string[]; range: GpuTimeRange; now: Date }) {
  const { range, now } = props;
  const api = useApi(genaiInsightsApiRef);
  const teamsKey = props.teams.join(',');
  const teams = useMemo(
    () => (teamsKey ? teamsKey.split(',') : undefined),
    [teamsKey],
  );

  const fleet = useAsyncRetry(() => api.getGpuFleet({ teams }), [api, teams]);
  const idle = useAsyncRetry(() => api.getGpuIdle({ teams }), [api, teams]);
  const usage = useAsync(
    () => api.getGpuUsage({ ...range, teams }),
    [api, range, teams],
  );
  const refresh = useCallback(() => {
    fleet.retry();
    idle.retry();
  }, [fleet, idle]);

  const refused = [fleet, idle, usage].find(s => isNotAllowed(s.error));
  if (refused) {
    return (
      <Refusal
        teams={props.teams}
        subject="gpus"
        message={errorMessage(refused.error)}
      />
    );
  }

  const prometheus =
    fleet.value?.prometheus ??
    idle.value?.prometheus ??
    usage.value?.prometheus;
  const rule = fleet.value?.idleRule ?? idle.value?.rule;
  const gpus =
    fleet.value?.nodes.reduce((sum, n) => sum + n.gpus.length, 0) ?? 0;

  return (
    <Grid container spacing={3}>
      {prometheus && !prometheus.available && (
        <Grid item xs={12}>
          <PrometheusBanner status={prometheus} />
        </Grid>
      )}
      <Grid item xs={12}>
        {fleet.loading && !fleet.value && <Progress />}
        {fleet.error && <SectionError error={fleet.error} />}
        {fleet.value && (
          <PoolSummary
            pools={fleet.value.pools}
            currency={fleet.value.currency}
          />
        )}
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Fleet now"
          titleTypographyProps={H2}
          subheader={
            fleet.value
              ? `${
                  fleet.value.nodes.length
                } nodes, ${gpus} GPUs, at ${formatDateTime(
                  fleet.value.at,
                )}. Hover over a GPU for its pod, team and numbers.`
              : undefined
          }
          action={
            <IconButton aria-label="Refresh" onClick={refresh}>
              <RefreshIcon />
            </IconButton>
          }
        >
          {fleet.loading && !fleet.value && <Progress />}
          {fleet.error && <SectionError error={fleet.error} />}
          {fleet.value && (
            <FleetHeatmap nodes={fleet.value.nodes} rule={rule} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Idle GPUs"
          titleTypographyProps={H2}
          subheader={
            rule
              ? `Idle: ${idleRuleText(rule)}. ${
                  rule.notify
                    ? 'Owners and leads are told once per episode.'
                    : ''
                }`
              : undefined
          }
        >
          {idle.loading && !idle.value && <Progress />}
          {idle.error && <SectionError error={idle.error} />}
          {idle.value && <IdleGpusTable idle={idle.value} now={now} />}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="GPU-hours over time"
          titleTypographyProps={H2}
          subheader="Per pool: active and idle GPU-hours, stacked; together they are what was allocated"
        >
          {usage.loading && <Progress />}
          {usage.error && <SectionError error={usage.error} />}
          {usage.value && !usage.loading && (
            <GpuUsageChart usage={usage.value} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <GpuBreakdownCard range={range} teams={teams} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Pending GPU demand"
          titleTypographyProps={H2}
          subheader="Pods and queued workloads waiting for GPUs, per pool"
        >
          {fleet.loading && !fleet.value && <Progress />}
          {fleet.error && <SectionError error={fleet.error} />}
          {fleet.value && (
            <PendingDemandTable pending={fleet.value.pending} now={now} />
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/** The page's filters: teams, range, and the way to the same teams' costs. */
function GpuFilters(props: {
  scope: GenaiInsightsScope;
  teams: string[];
  onTeamsChange: (teams: string[]) => void;
  rangeKind: GpuRangeKind;
  onRangeKindChange: (kind: GpuRangeKind) => void;
}) {
  const costLink = usePageLink(costRouteRef)(props.teams);
  return (
    <Grid container spacing={2} alignItems="center">
      <Grid item xs={12} md={4}>
        <TeamPicker
          options={props.scope.teams}
          value={props.teams}
          onChange={props.onTeamsChange}
        />
      </Grid>
      <Grid item xs={6} md={3}>
        <TextField
          select
          fullWidth
          id="genai-insights-gpu-range"
          label="Range"
          value={props.rangeKind}
          onChange={e =>
            props.onRangeKindChange(e.target.value as GpuRangeKind)
          }
        >
          {(Object.keys(GPU_RANGE_LABELS) as GpuRangeKind[]).map(kind => (
            <MenuItem key={kind} value={kind}>
              {GPU_RANGE_LABELS[kind]}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      {costLink && (
        <Grid item xs={6} md={5}>
          <Box textAlign="right">
            <Link to={costLink}>What these GPUs cost (the cost page)</Link>
          </Box>
        </Grid>
      )}
    </Grid>
  );
}

/**
 * The GPU utilization page's content: teams (`?team=`) and range, then the fleet now (pools,
 * heatmap, idle GPUs, pending demand) and over the range (GPU-hours, breakdowns). The new
 * frontend system puts its own header ("GPU utilization") around this.
 * @public
 */
export function GpuPageContent() {
  const api = useApi(genaiInsightsApiRef);
  // "Now" is fixed while the page is open, so that the range (and the queries) are stable.
  const [now] = useState(() => new Date());
  const scope = useAsync(() => api.getScope(), [api]);
  const [params, setParams] = useSearchParams();
  const teamValues = params.getAll('team').join(',');
  const { teams, invalid } = useMemo(
    () => parseTeamParams(teamValues ? [teamValues] : []),
    [teamValues],
  );
  const setTeams = useCallback(
    (next: string[]) =>
      setParams(
        prev => {
          const updated = new URLSearchParams(prev);
          updated.delete('team');
          next.forEach(t => updated.append('team', teamParam(t)));
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );
  const [rangeKind, setRangeKind] = useState<GpuRangeKind>('7d');
  const range = useMemo(
    () => resolveGpuRange(rangeKind, now),
    [rangeKind, now],
  );

  if (scope.loading) {
    return (
      <Content>
        <Progress />
      </Content>
    );
  }
  if (scope.error || !scope.value) {
    return (
      <Content>
        <Alert severity="error">
          Could not read which teams you may see:{' '}
          {errorMessage(scope.error ?? 'no answer')}
        </Alert>
      </Content>
    );
  }
  const s = scope.value;
  const outside = teamsOutsideScope(teams, s);

  let body;
  if (invalid.length > 0) {
    body = (
      <Alert severity="error">
        {invalid.map(v => `'${v}'`).join(', ')}{' '}
        {invalid.length === 1 ? 'is' : 'are'} not a team: use a group name (
        ml-research) or ref (group:default/ml-research).
      </Alert>
    );
  } else if (outside.length > 0) {
    body = <Refusal teams={outside} subject="gpus" />;
  } else if (!s.all && s.teams.length === 0) {
    body = (
      <Alert severity="info" data-testid="gpu-no-teams">
        You're not in a team yet, so there are no GPUs to show: join a team (a
        Group in the catalog) to see how its workloads use their GPUs.
      </Alert>
    );
  } else {
    body = <GpuView teams={teams} range={range} now={now} />;
  }

  return (
    <Content>
      <Box mb={3}>
        <GpuFilters
          scope={s}
          teams={teams}
          onTeamsChange={setTeams}
          rangeKind={rangeKind}
          onRangeKindChange={setRangeKind}
        />
        <Typography variant="caption" color="textSecondary">
          Allocation is from the cluster; activity (graphics engine busy), power
          and memory from the GPUs' exporter through Prometheus. Times are UTC.
          The range applies to GPU-hours over time and the breakdown; the rest
          is now.
        </Typography>
      </Box>
      {body}
    </Content>
  );
}

/** The same page with a Backstage header, for apps on the legacy frontend system. @public */
export function GpuPage() {
  return (
    <Page themeId="tool">
      <Header
        title="GPU utilization"
        subtitle="How busy the GPU Playground's GPUs are, and who holds them"
      />
      <GpuPageContent />
    </Page>
  );
}
