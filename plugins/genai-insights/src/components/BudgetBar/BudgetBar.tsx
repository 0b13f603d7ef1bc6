import { makeStyles } from '@material-ui/core/styles';
import type { BudgetStatus } from '@genai-portal/plugin-genai-insights-common';
import { formatMoney } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  track: {
    position: 'relative',
    height: 12,
    borderRadius: 6,
    background: theme.palette.action.hover,
    overflow: 'hidden',
  },
  range: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    background: theme.palette.action.selected,
  },
  spent: { position: 'absolute', top: 0, bottom: 0, left: 0 },
  marker: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    width: 2,
    background: theme.palette.text.primary,
  },
  forecast: {
    position: 'absolute',
    top: 2,
    bottom: 2,
    width: 2,
    background: theme.palette.text.secondary,
  },
}));

/**
 * A budget's month as one small bar, without a chart library (the entity pages stay light): the
 * month to date filled, the forecast's range shaded with a tick at the forecast, and a line at
 * the budget.
 */
export function BudgetBar(props: { status: BudgetStatus }) {
  const classes = useStyles();
  const { budgetMicros, monthToDateMicros, forecast, currency } = props.status;
  const scale =
    Math.max(budgetMicros, forecast.highMicros, monthToDateMicros, 1) * 1.05;
  const pct = (micros: number) =>
    `${Math.min(100, Math.max(0, (micros / scale) * 100))}%`;
  const over = monthToDateMicros > budgetMicros;
  const forecastOver = forecast.costMicros > budgetMicros;
  let color = '#388e3c';
  if (over) {
    color = '#d32f2f';
  } else if (forecastOver) {
    color = '#f57c00';
  }
  const label = `${formatMoney(
    monthToDateMicros,
    currency,
  )} spent of ${formatMoney(budgetMicros, currency)}, forecast ${formatMoney(
    forecast.costMicros,
    currency,
  )}`;
  return (
    <div className={classes.track} role="img" aria-label={label} title={label}>
      <div
        className={classes.range}
        style={{
          left: pct(forecast.lowMicros),
          width: `calc(${pct(forecast.highMicros)} - ${pct(
            forecast.lowMicros,
          )})`,
        }}
      />
      <div
        className={classes.spent}
        style={{ width: pct(monthToDateMicros), background: color }}
      />
      <div
        className={classes.forecast}
        style={{ left: pct(forecast.costMicros) }}
      />
      <div className={classes.marker} style={{ left: pct(budgetMicros) }} />
    </div>
  );
}
