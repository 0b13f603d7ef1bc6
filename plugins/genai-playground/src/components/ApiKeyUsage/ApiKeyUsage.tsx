import type { ApiKeyWithUsage } from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { formatMoney } from '../../lib/format';

function UsageBar(props: { label: string; value: number; max: number }) {
  const percent =
    props.max > 0 ? Math.min(100, (props.value / props.max) * 100) : 0;
  return (
    <Box minWidth={140}>
      <Typography variant="caption" component="div">
        {props.label}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={percent}
        color={percent >= 90 ? 'secondary' : 'primary'}
        aria-label={props.label}
      />
    </Box>
  );
}

/** A key's spend this month against its budget, with its requests and tokens. */
export function ApiKeyUsage(props: { apiKey: ApiKeyWithUsage }) {
  const { apiKey: k } = props;
  const tokens = k.usage.inputTokens + k.usage.outputTokens;
  return (
    <Box>
      {k.monthlyBudget !== undefined ? (
        <UsageBar
          label={`${formatMoney(k.usage.cost, k.currency)} of ${formatMoney(
            k.monthlyBudget,
            k.currency,
          )}`}
          value={k.usage.cost}
          max={k.monthlyBudget}
        />
      ) : (
        <Typography variant="caption" component="div">
          {formatMoney(k.usage.cost, k.currency)} (no budget)
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" component="div">
        {`${k.usage.requests.toLocaleString(
          'en-US',
        )} requests · ${tokens.toLocaleString('en-US')} tokens`}
      </Typography>
    </Box>
  );
}
