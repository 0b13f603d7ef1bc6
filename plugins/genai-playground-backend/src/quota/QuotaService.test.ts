import { TestDatabases } from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import type { V1Pod } from '@kubernetes/client-node';
import {
  createServices,
  fakeClock,
  simApis,
  waitFor,
} from '../__testUtils__/harness';
import { podGpus } from './QuotaService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('QuotaService', () => {
  let sim: KubeSim;
  beforeAll(async () => {
    sim = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
  });
  afterAll(() => sim.close());

  it('counts GPUs of pods from requests, limits and init containers', () => {
    const c = (gpus?: string, where: 'requests' | 'limits' = 'requests') => ({
      name: 'c',
      resources: gpus ? { [where]: { 'amd.com/gpu': gpus } } : {},
    });
    expect(
      podGpus({ spec: { containers: [c('2'), c('1', 'limits'), c()] } }),
    ).toBe(3);
    expect(
      podGpus({ spec: { containers: [c('1')], initContainers: [c('4')] } }),
    ).toBe(4);
    expect(podGpus({})).toBe(0);
  });

  it('reads pools from node labels and running pods, caches for quotaCacheSeconds, and reads fresh on demand', async () => {
    const clock = fakeClock();
    const s = await createServices({
      sim,
      knex: await databases.init('SQLITE_3'),
      clock,
    });
    const apis = simApis(sim);
    const first = await s.quota.getPoolUsage();
    expect(first).toEqual([
      {
        pool: 'mi355x',
        productName: 'AMD_Instinct_MI355X',
        nodes: 2,
        allocatable: 16,
        requested: 0,
        free: 16,
        quotaCommitted: 0,
        readAt: clock.now().toISOString(),
      },
      {
        pool: 'mi300x',
        productName: 'AMD_Instinct_MI300X',
        nodes: 2,
        allocatable: 16,
        requested: 0,
        free: 16,
        quotaCommitted: 0,
        readAt: clock.now().toISOString(),
      },
    ]);
    await apis.core.createNamespace({ body: { metadata: { name: 'qs' } } });
    const pod = (name: string, exit?: string): V1Pod => ({
      metadata: {
        name,
        annotations: exit ? { 'kube-sim.genai.io/exit': exit } : {},
      },
      spec: {
        restartPolicy: 'Never',
        nodeSelector: { 'gpu-type': 'mi300x' },
        tolerations: [
          { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        containers: [
          {
            name: 'c',
            image: 'rocm',
            resources: { limits: { 'amd.com/gpu': '3' } },
          },
        ],
      },
    });
    await apis.core.createNamespacedPod({
      namespace: 'qs',
      body: pod('running'),
    });
    await apis.core.createNamespacedPod({
      namespace: 'qs',
      body: pod('done', 'succeed'),
    });
    await waitFor(async () => {
      const pods = await apis.core.listNamespacedPod({ namespace: 'qs' });
      return (
        pods.items.find(p => p.metadata?.name === 'done')?.status?.phase ===
        'Succeeded'
      );
    });
    clock.advanceHours(0.001);
    // within the cache time: the same answer
    expect(await s.quota.getPoolUsage()).toEqual(first);
    const fresh = await s.quota.getPoolUsage({ fresh: true });
    expect(fresh[1]).toMatchObject({ pool: 'mi300x', requested: 3, free: 13 });
    expect(fresh[1].readAt).toBe(clock.now().toISOString());
    await apis.core.deleteNamespace({ name: 'qs' });
  });

  it('lists every configured team and answers zeros for a team without environments', async () => {
    const s = await createServices({
      sim,
      knex: await databases.init('SQLITE_3'),
    });
    expect((await s.quota.getTeamQuotas()).map(t => t.team)).toEqual([
      'group:default/ml-research',
    ]);
    expect(await s.quota.getTeamQuotas(['group:default/genai-apps'])).toEqual([
      expect.objectContaining({
        team: 'group:default/genai-apps',
        environments: 0,
        gpus: { hard: 0, used: 0, cap: 16 },
      }),
    ]);
  });
});
