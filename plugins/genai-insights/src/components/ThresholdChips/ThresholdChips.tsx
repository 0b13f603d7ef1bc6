import Chip from '@material-ui/core/Chip';
import Box from '@material-ui/core/Box';
import type { BudgetThreshold } from '@genai-portal/plugin-genai-insights-common';

const LABELS: Record<BudgetThreshold, string> = {
  'actual-50': '50% spent',
  'actual-80': '80% spent',
  'actual-100': 'Over budget',
  'forecast-100': 'Forecast over budget',
};

/** The thresholds a budget's month crossed, as chips: "80% spent", "Forecast over budget". */
export function ThresholdChips(props: { thresholds: BudgetThreshold[] }) {
  if (props.thresholds.length === 0) {
    return null;
  }
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {props.thresholds.map(t => (
        <Chip
          key={t}
          size="small"
          label={LABELS[t] ?? t}
          color={
            t === 'actual-100' || t === 'forecast-100' ? 'secondary' : 'default'
          }
          data-testid={`threshold-${t}`}
        />
      ))}
    </Box>
  );
}
