import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { TeamQuotaUsage } from '@genai-portal/plugin-genai-playground-common';
import {
  useEnvironments,
  useSettings,
  useTeamQuotas,
} from '@genai-portal/plugin-genai-playground-react';
import { useEnvironmentLink } from '../../hooks/useEnvironmentLink';
import { formatRelative } from '../../lib/format';
import { teamLimitsFor } from '../../lib/teamLimits';
import { EnvironmentStatusChip } from '../EnvironmentStatusChip';
import { ExpiryText } from '../ExpiryText';
import { QuotaBar } from '../QuotaBar';

type Resource = 'gpus' | 'cpu' | 'memoryGi';
const RESOURCES: Array<[Resource, string, string | undefined]> = [
  ['gpus', 'GPUs', undefined],
  ['cpu', 'CPU', 'cores'],
  ['memoryGi', 'Memory', 'GiB'],
];

function TeamQuota(props: { usage: TeamQuotaUsage; environmentsCap?: number }) {
  const { usage } = props;
  return (
    <Grid container spacing={2}>
      {RESOURCES.map(([resource, label, unit]) => {
        const { hard, used, cap } = usage[resource];
        return (
          <Grid
            item
            xs={12}
            sm={4}
            key={resource}
            data-testid={`team-${resource}`}
          >
            <Typography variant="subtitle2">{label}</Typography>
            <Typography variant="caption" color="textSecondary" component="div">
              {cap === undefined
                ? 'Held by quotas'
                : 'Held by quotas, of the team cap'}
            </Typography>
            <QuotaBar
              label={`${label} committed`}
              used={hard}
              hard={cap}
              unit={unit}
            />
            <Typography variant="caption" color="textSecondary" component="div">
              In use, of what the quotas hold
            </Typography>
            <QuotaBar
              label={`${label} in use`}
              used={used}
              hard={hard}
              unit={unit}
            />
          </Grid>
        );
      })}
      <Grid item xs={12}>
        <Typography variant="body2" data-testid="team-environments">
          {usage.environments} environment{usage.environments === 1 ? '' : 's'}
          {props.environmentsCap === undefined
            ? ''
            : ` of at most ${props.environmentsCap}`}
          {' · '}read {formatRelative(usage.readAt)}
        </Typography>
      </Grid>
    </Grid>
  );
}

/**
 * A team's GPU Playground quota on its `Group` page: what its environments hold against the
 * team's caps, what is in use, and the environments themselves.
 * @public
 */
export function EntityTeamQuotaCard() {
  const { entity } = useEntity();
  const team = stringifyEntityRef(entity);
  const quotas = useTeamQuotas(team);
  const environments = useEnvironments({ team });
  const { value: settings } = useSettings();
  const environmentLink = useEnvironmentLink();
  const usage = quotas.value?.find(q => q.team === team) ?? quotas.value?.[0];
  const limits = settings ? teamLimitsFor(settings, team) : undefined;

  return (
    <InfoCard title="GPU Playground quota">
      {quotas.loading && !quotas.value && <Progress />}
      {quotas.error && <ResponseErrorPanel error={quotas.error} />}
      {quotas.value && !usage && (
        <Typography color="textSecondary">
          This team holds no GPU quota.
        </Typography>
      )}
      {usage && (
        <TeamQuota usage={usage} environmentsCap={limits?.environments} />
      )}
      <Box mt={3}>
        <Typography variant="subtitle1">Environments</Typography>
        {environments.loading && !environments.value && <Progress />}
        {environments.error && (
          <ResponseErrorPanel error={environments.error} />
        )}
        {environments.value && environments.value.length === 0 && (
          <Typography variant="body2" color="textSecondary">
            No playground environments.
          </Typography>
        )}
        {environments.value && environments.value.length > 0 && (
          <Table size="small" aria-label="Team environments">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Pool</TableCell>
                <TableCell align="right">GPUs</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Expires</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {environments.value.map(e => {
                const href = environmentLink(e.id);
                return (
                  <TableRow key={e.id}>
                    <TableCell>
                      {href ? <Link to={href}>{e.name}</Link> : e.name}
                    </TableCell>
                    <TableCell>{e.gpuPool}</TableCell>
                    <TableCell align="right">{e.quota.gpus}</TableCell>
                    <TableCell>
                      <EnvironmentStatusChip status={e.status} />
                    </TableCell>
                    <TableCell>
                      <ExpiryText
                        expiresAt={e.expiresAt}
                        inactive={
                          e.status === 'deleted' || e.status === 'deleting'
                        }
                      />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Box>
    </InfoCard>
  );
}
