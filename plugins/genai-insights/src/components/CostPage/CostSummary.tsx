import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import type {
  CostComparison,
  IdleCost,
} from '@genai-portal/plugin-genai-insights-common';
import { formatDay, formatMoney, formatPercent } from '../../lib/format';

/** "the previous period (Oct 30, 2026 to Oct 31, 2026)": `to` is exclusive, so its day before. */
function previousPeriodText(previous: CostComparison['previous']): string {
  const from = Date.parse(previous.from);
  const to = Date.parse(previous.to);
  if (Number.isNaN(from) || Number.isNaN(to)) {
    return 'the previous period';
  }
  return `the previous period (${formatDay(previous.from)} to ${formatDay(
    new Date(to - 1).toISOString(),
  )})`;
}

/** The change against the previous period: an arrow, the percent and the amount before. */
export function ChangeText(props: { comparison: CostComparison }) {
  const { current, previous, changeRatio, currency } = props.comparison;
  const period = previousPeriodText(previous);
  let text: string;
  if (changeRatio === null) {
    text =
      current.costMicros === 0
        ? 'Nothing in this period or the one before'
        : `New: nothing in ${period}`;
  } else if (changeRatio === 0) {
    text = `No change from ${period}`;
  } else {
    const up = changeRatio > 0;
    const Icon = up ? ArrowUpwardIcon : ArrowDownwardIcon;
    return (
      <Box display="flex" alignItems="center" data-testid="cost-change">
        <Icon
          fontSize="small"
          aria-hidden
          style={{ color: up ? '#d32f2f' : '#388e3c' }}
        />
        <Typography variant="body2">
          {up ? 'Up' : 'Down'} {formatPercent(changeRatio)} from{' '}
          {formatMoney(previous.costMicros, currency)} in {period}
        </Typography>
      </Box>
    );
  }
  return (
    <Typography variant="body2" color="textSecondary" data-testid="cost-change">
      {text}
    </Typography>
  );
}

/** The savings headline: what the GPUs reserved but not used cost. */
export function idleHeadline(items: IdleCost[], currency: string): string {
  const gpu = items.find(i => i.category === 'gpu');
  if (!gpu || gpu.idleMicros === 0) {
    return 'No idle GPUs this period';
  }
  return `Idle GPUs cost ${formatMoney(gpu.idleMicros, currency)} this period`;
}

/** The period's total, its change, and the idle GPUs' cost. */
export function CostSummary(props: {
  comparison: CostComparison;
  idle?: { currency: string; items: IdleCost[] };
}) {
  const { comparison, idle } = props;
  return (
    <Box>
      <Typography variant="overline" component="h2">
        Total this period
      </Typography>
      <Typography variant="h4" component="p" data-testid="cost-total">
        {formatMoney(comparison.current.costMicros, comparison.currency)}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {comparison.basis === 'reserved'
          ? 'Reserved basis: the quota environments held'
          : 'Used basis: what ran'}
      </Typography>
      <Box mt={1}>
        <ChangeText comparison={comparison} />
      </Box>
      {idle && (
        <Box mt={2}>
          <Typography
            variant="h6"
            component="p"
            data-testid="idle-headline"
            color={
              idle.items.some(i => i.category === 'gpu' && i.idleMicros > 0)
                ? 'secondary'
                : 'textPrimary'
            }
          >
            {idleHeadline(idle.items, idle.currency)}
          </Typography>
        </Box>
      )}
    </Box>
  );
}
