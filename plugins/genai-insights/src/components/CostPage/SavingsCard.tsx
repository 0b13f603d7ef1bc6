import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  CostSavings,
  SavingsEntry,
} from '@genai-portal/plugin-genai-insights-common';
import useAsync from 'react-use/esm/useAsync';
import { genaiInsightsApiRef, type GenaiInsightsApi } from '../../api';
import { errorMessage } from '../../lib/errors';
import { formatMoney, formatPercent, teamName } from '../../lib/format';

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

/** The "Savings" card of the cost page, for the page's selection. */
export function SavingsCard(props: {
  query: Parameters<GenaiInsightsApi['getSavings']>[0];
}) {
  const { query } = props;
  const api = useApi(genaiInsightsApiRef);
  const savings = useAsync(() => api.getSavings(query), [api, query]);
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
    </InfoCard>
  );
}
