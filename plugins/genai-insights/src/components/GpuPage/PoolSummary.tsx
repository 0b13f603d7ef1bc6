import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { GpuPoolSummary } from '@genai-portal/plugin-genai-insights-common';
import { activityColor } from '@genai-portal/plugin-genai-insights-react';
import { formatMoney } from '../../lib/format';
import { IDLE_OUTLINE } from './FleetHeatmap';

const useStyles = makeStyles(theme => ({
  card: { padding: theme.spacing(2), height: '100%' },
  stats: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, 1fr)',
    gap: theme.spacing(1),
    margin: theme.spacing(1, 0),
  },
  stat: { margin: 0 },
  bar: {
    display: 'flex',
    height: 10,
    borderRadius: 5,
    overflow: 'hidden',
    background: theme.palette.type === 'dark' ? '#424242' : '#eeeeee',
  },
}));

function Stat(props: { label: string; value: number | undefined }) {
  const classes = useStyles();
  return (
    <div className={classes.stat}>
      <Typography variant="caption" color="textSecondary" component="dt">
        {props.label}
      </Typography>
      <Typography
        variant="h6"
        component="dd"
        style={{ margin: 0 }}
        data-testid={`stat-${props.label.toLocaleLowerCase('en-US')}`}
      >
        {props.value === undefined ? '—' : props.value}
      </Typography>
    </div>
  );
}

/** One pool now: its GPUs by state, a bar of them, and its price. */
function PoolCard(props: { pool: GpuPoolSummary; currency: string }) {
  const classes = useStyles();
  const p = props.pool;
  const pct = (n: number) =>
    `${p.capacity > 0 ? Math.min(100, (n / p.capacity) * 100) : 0}%`;
  // Held GPUs neither active nor idle (or all of them without Prometheus): allocated, unknown.
  const other = Math.max(0, p.allocated - (p.active ?? 0) - p.idle);
  const label = `${p.allocated} of ${p.capacity} GPUs allocated${
    p.active === undefined ? '' : `, ${p.active} active`
  }, ${p.idle} idle, ${p.free} free`;
  return (
    <Paper
      className={classes.card}
      variant="outlined"
      data-testid={`gpu-pool-${p.pool}`}
      role="group"
      aria-label={`Pool ${p.pool}`}
    >
      <Typography variant="h6" component="h3">
        {p.pool}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        {p.gpuModel} · {p.nodes} {p.nodes === 1 ? 'node' : 'nodes'} ·{' '}
        {formatMoney(p.gpuHourMicros, props.currency)} per GPU-hour
      </Typography>
      <dl className={classes.stats}>
        <Stat label="Capacity" value={p.capacity} />
        <Stat label="Allocated" value={p.allocated} />
        <Stat label="Active" value={p.active} />
        <Stat label="Idle" value={p.idle} />
        <Stat label="Free" value={p.free} />
        <Stat label="Pending" value={p.pendingGpus} />
      </dl>
      <div className={classes.bar} role="img" aria-label={label} title={label}>
        <Box width={pct(p.active ?? 0)} bgcolor={activityColor(90)} />
        <Box width={pct(other)} bgcolor={activityColor(35)} />
        <Box width={pct(p.idle)} bgcolor={IDLE_OUTLINE} />
      </div>
    </Paper>
  );
}

/** A card per pool: capacity, allocated, active, idle, free and pending GPUs. */
export function PoolSummary(props: {
  pools: GpuPoolSummary[];
  currency: string;
}) {
  if (props.pools.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The cluster has no GPU pools.
      </Typography>
    );
  }
  return (
    <Grid container spacing={2}>
      {props.pools.map(pool => (
        <Grid item xs={12} sm={6} md={4} key={pool.pool}>
          <PoolCard pool={pool} currency={props.currency} />
        </Grid>
      ))}
    </Grid>
  );
}
