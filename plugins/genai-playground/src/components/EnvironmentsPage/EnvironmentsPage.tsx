import { ContentHeader, ResponseErrorPanel } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import type { Environment } from '@genai-portal/plugin-genai-playground-common';
import {
  genaiPlaygroundApiRef,
  useEnvironments,
} from '@genai-portal/plugin-genai-playground-react';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useEnvironmentDetails } from '../../hooks/useEnvironmentDetails';
import { shortRef } from '../../lib/format';
import { EnvironmentsTable } from '../EnvironmentsTable';
import { GpuPoolsCard } from '../GpuPoolsCard';

/** The scaffolder template that creates playground environments. */
export const CREATE_ENVIRONMENT_PATH =
  '/create/templates/default/playground-environment';

/** The environments of the signed-in user's teams (groups), each team asked for separately. */
function useTeamEnvironments(teams: string[] | undefined) {
  const api = useApi(genaiPlaygroundApiRef);
  const key = teams?.join(',');
  return useAsyncRetry(async () => {
    if (!teams) {
      return undefined;
    }
    const answers = await Promise.all(
      teams.map(team => api.listEnvironments({ team })),
    );
    const byId = new Map<string, Environment>();
    answers.forEach(({ items }) => items.forEach(e => byId.set(e.id, e)));
    return [...byId.values()];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);
}

/**
 * The environments page: GPU pools, the user's own environments and those of their teams, and
 * the way to create one.
 * @public
 */
export function EnvironmentsPage() {
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const user = identity.value?.userEntityRef;
  const teams = identity.value?.ownershipEntityRefs.filter(ref =>
    ref.toLocaleLowerCase('en-US').startsWith('group:'),
  );

  const mine = useEnvironments(user ? { owner: user } : undefined);
  const team = useTeamEnvironments(teams);
  const details = useEnvironmentDetails(
    [...(mine.value ?? []), ...(team.value ?? [])].filter(
      (e, i, all) => all.findIndex(o => o.id === e.id) === i,
    ),
  );

  return (
    <>
      <ContentHeader
        title="Playground environments"
        description="Namespaces with a GPU quota and a lease, on the MI300X and MI355X pools"
      >
        <Button
          variant="contained"
          color="primary"
          startIcon={<AddIcon />}
          component={RouterLink}
          to={CREATE_ENVIRONMENT_PATH}
        >
          Create environment
        </Button>
      </ContentHeader>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <GpuPoolsCard />
        </Grid>
        <Grid item xs={12}>
          {identity.error && <ResponseErrorPanel error={identity.error} />}
          {mine.error ? (
            <ResponseErrorPanel error={mine.error} />
          ) : (
            <EnvironmentsTable
              title="My environments"
              environments={mine.value ?? []}
              details={details}
              loading={identity.loading || mine.loading}
              hideColumns={['owner']}
              emptyContent={
                <Box p={2}>
                  <Typography color="textSecondary">
                    You have no playground environment.{' '}
                    <RouterLink to={CREATE_ENVIRONMENT_PATH}>
                      Create one
                    </RouterLink>{' '}
                    to get a GPU quota for a few days.
                  </Typography>
                </Box>
              }
            />
          )}
        </Grid>
        <Grid item xs={12}>
          {team.error ? (
            <ResponseErrorPanel error={team.error} />
          ) : (
            <EnvironmentsTable
              title={`My team's environments${
                teams && teams.length > 0
                  ? ` (${teams.map(shortRef).join(', ')})`
                  : ''
              }`}
              environments={team.value ?? []}
              details={details}
              loading={identity.loading || team.loading}
              emptyContent={
                <Box p={2}>
                  <Typography color="textSecondary">
                    {teams && teams.length === 0
                      ? 'You are not a member of any team.'
                      : 'Your teams have no playground environment.'}
                  </Typography>
                </Box>
              }
            />
          )}
        </Grid>
      </Grid>
    </>
  );
}
