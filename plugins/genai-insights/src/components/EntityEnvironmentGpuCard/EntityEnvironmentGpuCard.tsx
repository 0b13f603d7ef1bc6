import { useEntity } from '@backstage/plugin-catalog-react';
import { useMemo, useState } from 'react';
import {
  useGpuPageLink,
  teamName,
  cardRange,
  GpuActivityCard,
} from '@genai-portal/plugin-genai-insights-react';
import { environmentIdOf, environmentTeamOf } from '../../lib/entities';

/**
 * An environment's GPUs over the last 7 days on its page (a `playground-environment` Resource):
 * their mean activity, the GPU-hours it held, and a small chart of both, from
 * `GET /gpu/activity?environment=<its id>` (the id the cost ledger uses too).
 * @public
 */
export function EntityEnvironmentGpuCard() {
  const { entity } = useEntity();
  const environment = environmentIdOf(entity);
  const team = environmentTeamOf(entity);
  const gpuLink = useGpuPageLink();
  const [now] = useState(() => new Date());
  const query = useMemo(
    () => ({ ...cardRange(now), environment }),
    [now, environment],
  );
  const href = gpuLink(team ? [team] : []);
  return (
    <GpuActivityCard
      title="GPU activity"
      subheader="Last 7 days: how busy this environment's GPUs were"
      query={query}
      teams={team ? [team] : []}
      link={
        href
          ? {
              title: team ? `View ${teamName(team)}'s GPUs` : 'View GPUs',
              href,
            }
          : undefined
      }
      empty="This environment held no GPU in the last 7 days."
    />
  );
}
