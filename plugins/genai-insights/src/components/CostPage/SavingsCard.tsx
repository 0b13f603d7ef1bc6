import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  CostSavings,
  GpuIdleList,
  SavingsEntry,
} from '@genai-portal/plugin-genai-insights-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  genaiInsightsApiRef,
  type GenaiInsightsApi,
  useGpuPageLink,
  errorMessage,
  isNotAllowed,
  teamName,
} from '@genai-portal/plugin-genai-insights-react';
import { formatMoney, formatPercent } from '../../lib/format';
import { formatAgo, idleRuleText, refName } from '../../lib/gpu';

const gpusText = (n: number) => `${n} GPU${n === 1 ? '' : 's'}`;

/** GPUs busy at once, as people read them: `2`, `1.5`, `0.25`. */
const peakText = (n: number) =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(n);

/** "Idle GPUs cost $X (Y% of reserved) in this period". */
export function savingsHeadline(savings: CostSavings): string {
  const { gpuIdleMicros, gpuIdleRatio } = savings.totals;
  if (gpuIdleRatio === null) {
    return 'No GPUs were reserved in this period';
  }
  return `Idle GPUs cost ${formatMoney(
    gpuIdleMicros,
    savings.currency,
  )} (${formatPercent(gpuIdleRatio)} of reserved) in this period`;
}

/** What to do with an environment's GPU quota. */
function recommendationText(item: SavingsEntry, currency: string): string {
  const { currentGpus, recommendedGpus, savingMicros } = item.recommendation;
  if (savingMicros > 0) {
    return `Shrink to ${gpusText(recommendedGpus)}: save ${formatMoney(
      savingMicros,
      currency,
    )}`;
  }
  if (currentGpus === 0) {
    return 'No GPUs reserved';
  }
  return `Keep ${gpusText(currentGpus)}`;
}

/** The headline, the environments with the most idle cost, and the quota each needed. */
export function SavingsView(props: { savings: CostSavings }) {
  const { savings } = props;
  const { currency, items, totals } = savings;
  if (items.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="savings-empty"
      >
        Nothing was reserved in this period, so nothing sat idle.
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="h6" component="p" data-testid="savings-headline">
        {savingsHeadline(savings)}
      </Typography>
      {totals.savingMicros > 0 && (
        <Typography variant="body2" data-testid="savings-total">
          Quotas sized to each environment's busiest hour would have saved{' '}
          {formatMoney(totals.savingMicros, currency)}.
        </Typography>
      )}
      <Table size="small" aria-label="Savings by environment">
        <TableHead>
          <TableRow>
            <TableCell>Environment</TableCell>
            <TableCell>Team</TableCell>
            <TableCell align="right">GPUs reserved</TableCell>
            <TableCell align="right">Peak used</TableCell>
            <TableCell align="right">Utilization</TableCell>
            <TableCell align="right">Idle cost</TableCell>
            <TableCell>Recommendation</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(item => (
            <TableRow key={`${item.team}|${item.environment}`}>
              <TableCell>{item.environment}</TableCell>
              <TableCell>{teamName(item.team)}</TableCell>
              <TableCell align="right">
                {item.recommendation.currentGpus}
              </TableCell>
              <TableCell align="right">
                {peakText(item.recommendation.peakUsedGpus)}
              </TableCell>
              <TableCell align="right">
                {item.gpu.utilization === null
                  ? '–'
                  : formatPercent(item.gpu.utilization)}
              </TableCell>
              <TableCell align="right">
                {formatMoney(item.idleMicros, currency)}
              </TableCell>
              <TableCell>{recommendationText(item, currency)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="textSecondary">
        Idle cost is reserved minus used GPUs, CPU and memory. Peak used is the
        most GPUs busy in one hour; the saving is the reserved GPU cost at that
        quota, at the same rates.
      </Typography>
    </>
  );
}

/** One pod holding idle GPUs now: its GPUs, their cost so far, since when the first went idle. */
export interface IdlePod {
  namespace: string;
  pod: string;
  owner?: string;
  gpus: number;
  costMicros: number;
  since: string;
}

/** The idle episodes grouped by pod, the most costly first. */
export function idlePods(idle: GpuIdleList): IdlePod[] {
  const pods = new Map<string, IdlePod>();
  for (const e of idle.episodes) {
    const key = `${e.namespace}/${e.pod}`;
    const pod = pods.get(key);
    if (pod) {
      pod.gpus += 1;
      pod.costMicros += e.costMicros;
      if (Date.parse(e.since) < Date.parse(pod.since)) {
        pod.since = e.since;
      }
      pod.owner ??= e.owner;
    } else {
      pods.set(key, {
        namespace: e.namespace,
        pod: e.pod,
        owner: e.owner,
        gpus: 1,
        costMicros: e.costMicros,
        since: e.since,
      });
    }
  }
  return [...pods.values()].sort(
    (a, b) =>
      b.costMicros - a.costMicros ||
      `${a.namespace}/${a.pod}`.localeCompare(`${b.namespace}/${b.pod}`),
  );
}

const TOP_IDLE_PODS = 3;

/**
 * "Held but idle now": the GPUs that running workloads hold without using them (open idle
 * episodes of `GET /gpu/idle`), what they cost so far and the pods costing most. Nothing on a
 * refusal; one line when GPU activity is unknown or the list cannot be read.
 */
export function HeldIdleNow(props: {
  idle: GpuIdleList;
  /** The GPU page for the same teams, when the app has one. */
  gpuHref?: string;
}) {
  const { idle, gpuHref } = props;
  const heading = (
    <Typography variant="subtitle1" component="h3">
      Held but idle now
    </Typography>
  );
  if (!idle.prometheus.available) {
    return (
      <>
        {heading}
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="savings-idle-unavailable"
        >
          Unknown: GPU activity is unavailable (
          {idle.prometheus.reason.replace(/\.$/, '')}).
        </Typography>
      </>
    );
  }
  const { currency } = idle;
  const count = idle.episodes.length;
  const now = new Date(idle.at);
  const top = idlePods(idle).slice(0, TOP_IDLE_PODS);
  return (
    <>
      {heading}
      <Typography variant="body2" data-testid="savings-idle-summary">
        {count === 0
          ? 'No held GPU is idle now.'
          : `${count} ${
              count === 1 ? 'GPU is' : 'GPUs are'
            } held but idle, ${formatMoney(
              idle.totalMicros,
              currency,
            )} so far.`}
      </Typography>
      {top.length > 0 && (
        <Table size="small" aria-label="Held but idle now">
          <TableHead>
            <TableRow>
              <TableCell>Pod</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell align="right">GPUs</TableCell>
              <TableCell>Idle since</TableCell>
              <TableCell align="right">Cost so far</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {top.map(p => (
              <TableRow key={`${p.namespace}/${p.pod}`}>
                <TableCell>
                  {p.namespace}/{p.pod}
                </TableCell>
                <TableCell>{p.owner ? refName(p.owner) : '—'}</TableCell>
                <TableCell align="right">{p.gpus}</TableCell>
                <TableCell>{formatAgo(p.since, now)}</TableCell>
                <TableCell align="right">
                  {formatMoney(p.costMicros, currency)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        data-testid="savings-idle-rule"
      >
        Idle: {idleRuleText(idle.rule)}.
        {gpuHref && (
          <>
            {' '}
            <Link to={gpuHref}>All idle GPUs on the GPU page</Link>
          </>
        )}
      </Typography>
    </>
  );
}

/** The "Savings" card of the cost page, for the page's selection. */
export function SavingsCard(props: {
  query: Parameters<GenaiInsightsApi['getSavings']>[0];
}) {
  const { query } = props;
  const api = useApi(genaiInsightsApiRef);
  const gpuLink = useGpuPageLink();
  const savings = useAsync(() => api.getSavings(query), [api, query]);
  // The same teams as the page (all of the caller's when none); a new range asks no second time.
  const teamsKey = query.teams?.join(',') ?? '';
  const teams = useMemo(
    () => (teamsKey ? teamsKey.split(',') : undefined),
    [teamsKey],
  );
  const idle = useAsync(() => api.getGpuIdle({ teams }), [api, teams]);
  return (
    <InfoCard
      title="Savings"
      subheader="Idle quota per environment, and the GPU quota that would have been enough"
    >
      {savings.loading && <Progress />}
      {savings.error && (
        <Alert severity="error">{errorMessage(savings.error)}</Alert>
      )}
      {savings.value && <SavingsView savings={savings.value} />}
      {(idle.value || (idle.error && !isNotAllowed(idle.error))) && (
        <Box mt={2} data-testid="savings-idle-now">
          <Divider />
          <Box mt={2}>
            {idle.value ? (
              <HeldIdleNow idle={idle.value} gpuHref={gpuLink(teams)} />
            ) : (
              <Typography variant="body2" color="textSecondary">
                Held but idle GPUs could not be read: {errorMessage(idle.error)}
              </Typography>
            )}
          </Box>
        </Box>
      )}
    </InfoCard>
  );
}
