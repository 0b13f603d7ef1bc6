import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { keyLabel, type StackedSeries } from '../../lib/chartData';
import {
  formatCompactUnits,
  formatMoney,
  formatPeriod,
  formatUnits,
} from '../../lib/format';
import { seriesColor } from './colors';

/**
 * Cost per period, stacked by the chosen dimension, with a legend that gives each key's total
 * (the numbers a screen reader, and a test, can read).
 */
export function CostOverTimeChart(props: {
  data: StackedSeries;
  currency: string;
  stackLabel: string;
}) {
  const { data, currency } = props;
  return (
    <div role="region" aria-label="Cost over time">
      <ResponsiveContainer
        width="100%"
        height={320}
        initialDimension={{ width: 800, height: 320 }}
      >
        {/* No animation, here and in the other charts: they redraw on every filter change and
            must read (and print) at once. */}
        <BarChart data={data.rows} margin={{ top: 8, right: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="period"
            tickFormatter={v => formatPeriod(String(v))}
          />
          <YAxis
            width={80}
            tickFormatter={v => formatCompactUnits(Number(v), currency)}
          />
          <Tooltip
            labelFormatter={v => formatPeriod(String(v))}
            formatter={(value, name) => [
              formatUnits(Number(value), currency),
              name,
            ]}
          />
          {data.series.map((s, i) => (
            <Bar
              isAnimationActive={false}
              key={s.dataKey}
              dataKey={s.dataKey}
              name={keyLabel(s.key)}
              stackId="cost"
              fill={seriesColor(i)}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <Box
        component="ul"
        aria-label={`Total by ${props.stackLabel.toLocaleLowerCase('en-US')}`}
        display="flex"
        flexWrap="wrap"
        p={0}
        m={0}
        style={{ listStyle: 'none', gap: 16 }}
      >
        {data.series.map((s, i) => (
          <Box
            component="li"
            key={s.dataKey}
            display="flex"
            alignItems="center"
          >
            <Box
              component="span"
              width={12}
              height={12}
              mr={1}
              style={{ background: seriesColor(i) }}
              aria-hidden
            />
            <Typography variant="body2">
              {keyLabel(s.key)}: {formatMoney(s.totalMicros, currency)}
            </Typography>
          </Box>
        ))}
      </Box>
    </div>
  );
}
