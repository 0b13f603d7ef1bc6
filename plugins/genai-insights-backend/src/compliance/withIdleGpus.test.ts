import { mockServices } from '@backstage/backend-test-utils';
import type { EnvironmentObjects } from '@genai-portal/plugin-genai-insights-node';
import { databases } from '../__testUtils__/database';
import {
  DatabaseIdleEpisodeStore,
  type IdleObservation,
} from '../gpu/idle/DatabaseIdleEpisodeStore';
import { migrateDatabase } from '../lib/migrateDatabase';
import { withIdleGpus } from './withIdleGpus';

jest.setTimeout(120_000);

const NOW = '2026-12-05T12:00:00.000Z';
const SINCE = '2026-12-05T09:30:00.000Z';

const environment = (name: string): EnvironmentObjects => ({
  namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  pods: [],
  deployments: [],
  statefulSets: [],
  jobs: [],
  networkPolicies: [],
  resourceQuotas: [],
  limitRanges: [],
  podDisruptionBudgets: [],
  policyReports: [],
});

const observation = (overrides: Partial<IdleObservation>): IdleObservation => ({
  node: 'gpu-mi355x-0',
  gpuId: 3,
  pool: 'mi355x',
  namespace: 'ml-research-lab',
  pod: 'vllm-0',
  podUid: 'uid-vllm-0',
  kind: 'inference',
  team: 'group:default/ml-research',
  since: SINCE,
  gpuHourMicros: 4_100_000,
  ...overrides,
});

describe('withIdleGpus', () => {
  const reader = {
    read: async () => [environment('ml-research-lab'), environment('apps-dev')],
  };

  it("adds the idle scan's open episodes to their environments", async () => {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({ knex });
    await migrateDatabase(database);
    const store = await DatabaseIdleEpisodeStore.create({
      database,
      clock: () => new Date(NOW),
    });
    await store.upsertOpen(
      [
        observation({}),
        // an episode that is over no longer counts
        observation({ pod: 'train-0', podUid: 'uid-train-0', gpuId: 1 }),
      ],
      NOW,
    );
    const ended = (await store.openEpisodes()).find(e => e.pod === 'train-0')!;
    await store.end([ended.id], NOW);

    const [lab, apps] = await withIdleGpus(reader, store).read();
    expect(lab.idleGpus).toEqual([
      { pod: 'vllm-0', gpuId: 3, node: 'gpu-mi355x-0', since: SINCE },
    ]);
    expect(apps.idleGpus).toEqual([]);
  });

  it('leaves idleGpus undefined where the scan does not run', async () => {
    const environments = await withIdleGpus(reader, undefined).read();
    expect(environments.map(e => e.idleGpus)).toEqual([undefined, undefined]);
  });
});
