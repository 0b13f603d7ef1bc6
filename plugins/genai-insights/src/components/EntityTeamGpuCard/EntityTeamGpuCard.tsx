import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useMemo, useState } from 'react';
import {
  useGpuPageLink,
  cardRange,
  GpuActivityCard,
} from '@genai-portal/plugin-genai-insights-react';

/**
 * A team's GPUs over the last 7 days on its `Group` page: their mean activity, the GPU-hours its
 * workloads held, a small chart of both, and a link to the GPU page for the team.
 * @public
 */
export function EntityTeamGpuCard() {
  const { entity } = useEntity();
  const team = stringifyEntityRef(entity);
  const gpuLink = useGpuPageLink();
  const [now] = useState(() => new Date());
  const query = useMemo(
    () => ({ ...cardRange(now), teams: [team] }),
    [now, team],
  );
  const href = gpuLink([team]);
  return (
    <GpuActivityCard
      title="GPU activity"
      subheader="Last 7 days: how busy the team's GPUs were"
      query={query}
      teams={[team]}
      link={href ? { title: 'View GPU utilization', href } : undefined}
      empty="The team's workloads held no GPU in the last 7 days."
    />
  );
}
