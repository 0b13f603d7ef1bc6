import { Gauge } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { EnvironmentWithDetails } from '@genai-portal/plugin-genai-playground-common';
import { formatAmount } from '../../lib/format';
import { environmentQuota, QuotaResource } from '../../lib/environmentQuota';

const GAUGES: Array<{ resource: QuotaResource; label: string; unit: string }> =
  [
    { resource: 'gpus', label: 'GPU', unit: 'GPUs' },
    { resource: 'cpu', label: 'CPU', unit: 'cores' },
    { resource: 'memoryGi', label: 'Memory', unit: 'GiB' },
    { resource: 'pods', label: 'Pods', unit: 'pods' },
  ];

/**
 * Four gauges of an environment's ResourceQuota, used versus hard: GPUs, CPU, memory and pods.
 * Without usage (the cluster did not answer) the hard values are shown alone.
 * @public
 */
export function QuotaGauges(props: {
  environment: Pick<EnvironmentWithDetails, 'quota' | 'quotaUsage'>;
}) {
  const quota = environmentQuota(props.environment);
  return (
    <Grid container spacing={2}>
      {GAUGES.map(({ resource, label, unit }) => {
        const { used, hard } = quota[resource];
        const known = used !== undefined && hard !== undefined && hard > 0;
        return (
          <Grid item xs={6} md={3} key={resource}>
            <Box
              textAlign="center"
              data-testid={`gauge-${resource}`}
              aria-label={`${label} ${used ?? '–'} of ${hard ?? '–'} ${unit}`}
            >
              <Typography variant="subtitle2">{label}</Typography>
              {known ? (
                // inverse: a full quota is the warning colour, an idle one green.
                <Gauge
                  value={Math.min(1, used! / hard!)}
                  size="small"
                  inverse
                />
              ) : (
                <Box py={3}>
                  <Typography color="textSecondary">no usage</Typography>
                </Box>
              )}
              <Typography variant="body2">
                {used === undefined ? '–' : formatAmount(used)} /{' '}
                {hard === undefined ? '–' : formatAmount(hard)} {unit}
              </Typography>
            </Box>
          </Grid>
        );
      })}
    </Grid>
  );
}
