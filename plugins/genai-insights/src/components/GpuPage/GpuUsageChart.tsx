import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { GpuUsage } from '@genai-portal/plugin-genai-insights-common';
import { useMemo } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  activityColor,
  formatGpuHours,
} from '@genai-portal/plugin-genai-insights-react';
import {
  formatDateTime,
  formatTick,
  usageByPool,
  type PoolUsage,
} from '../../lib/gpu';
import { IDLE_OUTLINE } from './FleetHeatmap';

const ACTIVE_COLOR = activityColor(85);
const ALLOCATED_COLOR = activityColor(45);

function LegendItem(props: { color: string; text: string }) {
  return (
    <Box component="li" display="flex" alignItems="center">
      <Box
        component="span"
        width={12}
        height={12}
        mr={1}
        style={{ background: props.color }}
        aria-hidden
      />
      <Typography variant="body2">{props.text}</Typography>
    </Box>
  );
}

function PoolChart(props: {
  usage: PoolUsage;
  withActivity: boolean;
  rangeMs: number;
}) {
  const { usage, withActivity, rangeMs } = props;
  return (
    <div role="region" aria-label={`GPU-hours over time in ${usage.pool}`}>
      <Typography variant="subtitle2" component="h3">
        {usage.pool}
      </Typography>
      <ResponsiveContainer
        width="100%"
        height={220}
        initialDimension={{ width: 500, height: 220 }}
      >
        <AreaChart data={usage.rows} margin={{ top: 8, right: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={v => formatTick(Number(v), rangeMs)}
          />
          <YAxis width={48} tickFormatter={v => formatGpuHours(Number(v))} />
          <Tooltip
            labelFormatter={v =>
              formatDateTime(new Date(Number(v)).toISOString())
            }
            formatter={(value, name) => [
              `${formatGpuHours(Number(value))} GPU-hours`,
              name,
            ]}
          />
          {withActivity ? (
            [
              <Area
                key="active"
                isAnimationActive={false}
                type="stepAfter"
                dataKey="active"
                name="Active"
                stackId="gpu"
                stroke={ACTIVE_COLOR}
                fill={ACTIVE_COLOR}
                fillOpacity={0.8}
              />,
              <Area
                key="idle"
                isAnimationActive={false}
                type="stepAfter"
                dataKey="idle"
                name="Idle"
                stackId="gpu"
                stroke={IDLE_OUTLINE}
                fill={IDLE_OUTLINE}
                fillOpacity={0.6}
              />,
            ]
          ) : (
            <Area
              isAnimationActive={false}
              type="stepAfter"
              dataKey="allocated"
              name="Allocated"
              stroke={ALLOCATED_COLOR}
              fill={ALLOCATED_COLOR}
              fillOpacity={0.6}
            />
          )}
        </AreaChart>
      </ResponsiveContainer>
      <Box
        component="ul"
        aria-label={`GPU-hours in ${usage.pool}`}
        display="flex"
        flexWrap="wrap"
        p={0}
        m={0}
        style={{ listStyle: 'none', gap: 16 }}
      >
        {withActivity && (
          <>
            <LegendItem
              color={ACTIVE_COLOR}
              text={`Active: ${formatGpuHours(usage.activeGpuHours)} GPU-hours`}
            />
            <LegendItem
              color={IDLE_OUTLINE}
              text={`Idle: ${formatGpuHours(usage.idleGpuHours)} GPU-hours`}
            />
          </>
        )}
        <LegendItem
          color={ALLOCATED_COLOR}
          text={`Allocated: ${formatGpuHours(
            usage.allocatedGpuHours,
          )} GPU-hours`}
        />
      </Box>
    </div>
  );
}

/**
 * GPU-hours per step in each pool: active and idle stacked, so the top is what was allocated.
 * Without Prometheus, allocation alone.
 */
export function GpuUsageChart(props: { usage: GpuUsage }) {
  const { usage } = props;
  const pools = useMemo(() => usageByPool(usage.points), [usage.points]);
  const rangeMs = Date.parse(usage.to) - Date.parse(usage.from);
  if (pools.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No GPU was allocated in this period.
      </Typography>
    );
  }
  return (
    <Grid container spacing={3}>
      {pools.map(pool => (
        <Grid item xs={12} md={pools.length === 1 ? 12 : 6} key={pool.pool}>
          <PoolChart
            usage={pool}
            withActivity={usage.prometheus.available}
            rangeMs={rangeMs}
          />
        </Grid>
      ))}
    </Grid>
  );
}
