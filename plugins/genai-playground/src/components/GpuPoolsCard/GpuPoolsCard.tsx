import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  GpuPool,
  GpuPoolUsage,
} from '@genai-portal/plugin-genai-playground-common';
import { usePoolUsage } from '@genai-portal/plugin-genai-playground-react';
import { formatRelative } from '../../lib/format';
import { QuotaBar } from '../QuotaBar';

const useStyles = makeStyles(theme => ({
  pool: {
    padding: theme.spacing(1.5),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    height: '100%',
  },
  figures: {
    display: 'grid',
    gridTemplateColumns: 'repeat(4, auto)',
    columnGap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
  over: { color: theme.palette.error.main },
}));

function Figure(props: { label: string; value: number; className?: string }) {
  return (
    <Box>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography
        variant="h6"
        component="div"
        className={props.className}
        data-testid={`figure-${props.label.toLowerCase().replace(/ /g, '-')}`}
      >
        {props.value}
      </Typography>
    </Box>
  );
}

function PoolUsage(props: { usage: GpuPoolUsage }) {
  const { usage } = props;
  const classes = useStyles();
  const overcommitted = usage.quotaCommitted > usage.allocatable;
  return (
    <Box className={classes.pool} data-testid={`pool-${usage.pool}`}>
      <Typography variant="subtitle1">
        {/* Node labels cannot hold spaces: AMD_Instinct_MI300X */}
        {usage.productName.replace(/_/g, ' ')}{' '}
        <Typography component="span" variant="body2" color="textSecondary">
          {usage.pool} · {usage.nodes} node{usage.nodes === 1 ? '' : 's'}
        </Typography>
      </Typography>
      <QuotaBar
        label={`${usage.pool} allocated`}
        used={usage.requested}
        hard={usage.allocatable}
        unit="GPUs allocated"
      />
      <Box className={classes.figures}>
        <Figure label="Capacity" value={usage.allocatable} />
        <Figure label="Allocated" value={usage.requested} />
        <Figure label="Free" value={usage.free} />
        <Figure
          label="Quota committed"
          value={usage.quotaCommitted}
          className={overcommitted ? classes.over : undefined}
        />
      </Box>
      {overcommitted && (
        <Typography variant="caption" className={classes.over}>
          Quotas promise {usage.quotaCommitted - usage.allocatable} GPUs more
          than the pool has.
        </Typography>
      )}
    </Box>
  );
}

/** @public */
export interface GpuPoolsCardProps {
  /** Only these pools (an entity card of one pool); all pools without it. */
  pools?: GpuPool[];
  title?: string;
  variant?: 'gridItem';
}

/**
 * The GPU pools: capacity (allocatable GPUs), allocated (requested by running pods), free, and
 * committed to environments' quotas, per pool.
 * @public
 */
export function GpuPoolsCard(props: GpuPoolsCardProps) {
  const { value, loading, error } = usePoolUsage();
  const shown = value?.filter(
    p => !props.pools || props.pools.includes(p.pool),
  );
  const readAt = shown?.[0]?.readAt;
  return (
    <InfoCard
      title={props.title ?? 'GPU pools'}
      subheader={
        readAt ? `Read from the cluster ${formatRelative(readAt)}` : undefined
      }
      variant={props.variant}
    >
      {loading && !value && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {shown && shown.length === 0 && (
        <Typography color="textSecondary">No GPU pool found.</Typography>
      )}
      {shown && shown.length > 0 && (
        <Grid container spacing={2}>
          {shown.map(usage => (
            <Grid item xs={12} md={shown.length > 1 ? 6 : 12} key={usage.pool}>
              <PoolUsage usage={usage} />
            </Grid>
          ))}
        </Grid>
      )}
    </InfoCard>
  );
}
