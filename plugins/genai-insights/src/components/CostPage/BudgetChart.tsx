import type { BudgetStatus } from '@genai-portal/plugin-genai-insights-common';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { BudgetChartRow } from '../../lib/budgetSeries';
import {
  formatCompactUnits,
  formatPeriod,
  formatUnits,
  toUnits,
} from '../../lib/format';

/**
 * A budget's month: what was spent day by day (cumulative), the forecast from today to the
 * month's end with its range, and the budget as a line.
 */
export function BudgetChart(props: {
  status: BudgetStatus;
  rows: BudgetChartRow[];
  label: string;
}) {
  const { status, rows } = props;
  const currency = status.currency;
  const budget = toUnits(status.budgetMicros);
  return (
    <div
      role="region"
      aria-label={`Month to date against the budget of ${props.label}`}
    >
      <ResponsiveContainer
        width="100%"
        height={260}
        initialDimension={{ width: 600, height: 260 }}
      >
        <ComposedChart data={rows} margin={{ top: 16, right: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={v => formatPeriod(String(v))} />
          <YAxis
            width={80}
            domain={[
              0,
              (max: number) =>
                Math.max(
                  max,
                  budget * 1.1,
                  toUnits(status.forecast.highMicros),
                ),
            ]}
            tickFormatter={v => formatCompactUnits(Number(v), currency)}
          />
          <Tooltip
            labelFormatter={v => formatPeriod(String(v))}
            formatter={(value, name) => [
              Array.isArray(value)
                ? value.map(v => formatUnits(Number(v), currency)).join(' to ')
                : formatUnits(Number(value), currency),
              name,
            ]}
          />
          <Legend />
          <Area
            isAnimationActive={false}
            dataKey="range"
            name="Forecast range"
            stroke="none"
            fill="#ff7f0e"
            fillOpacity={0.15}
            connectNulls={false}
          />
          <Line
            isAnimationActive={false}
            dataKey="actual"
            name="Month to date"
            stroke="#1f77b4"
            strokeWidth={2}
            dot={{ r: 2 }}
            connectNulls={false}
          />
          <Line
            isAnimationActive={false}
            dataKey="forecast"
            name="Forecast"
            stroke="#ff7f0e"
            strokeDasharray="6 4"
            strokeWidth={2}
            dot={{ r: 2 }}
            connectNulls={false}
          />
          <ReferenceLine
            y={budget}
            stroke="#d62728"
            strokeDasharray="3 3"
            label={{ value: 'Budget', position: 'insideTopLeft' }}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
