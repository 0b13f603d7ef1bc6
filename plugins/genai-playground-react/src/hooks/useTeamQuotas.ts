import { useApi } from '@backstage/core-plugin-api';
import type { TeamQuotaUsage } from '@genai-portal/plugin-genai-playground-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { genaiPlaygroundApiRef } from '../api';
import type { AsyncResource } from './types';

/**
 * Quota usage summed per team, with the team's caps; one team (a group ref such as
 * `group:default/ml-research`) or, without `team`, every team the caller may see.
 * @public
 */
export function useTeamQuotas(team?: string): AsyncResource<TeamQuotaUsage[]> {
  const api = useApi(genaiPlaygroundApiRef);
  return useAsyncRetry(async () => {
    const { items } = await api.getTeamQuotas(team ? { team } : {});
    return items;
  }, [api, team]);
}
