import { mockServices } from '@backstage/backend-test-utils';
import { databases } from '../../__testUtils__/database';
import { migrateDatabase } from '../../lib/migrateDatabase';
import { FakeCluster, gpuPod, MIN } from './__testUtils__/fakes';
import { createIdleCapability } from './createIdleCapability';

jest.setTimeout(120_000);

const T0 = Date.parse('2026-12-30T10:00:00.000Z');
const RULE = {
  thresholdPercent: 5,
  windowMs: 30 * MIN,
  inferenceNeedsNoRequests: true,
  notify: true,
};

async function database() {
  const knex = await databases.init('SQLITE_3');
  const db = mockServices.database({ knex });
  await migrateDatabase(db);
  return db;
}

describe('createIdleCapability', () => {
  it('keeps the store but schedules no scan without Prometheus', async () => {
    const capability = await createIdleCapability({
      database: await database(),
      reader: new FakeCluster().reader,
      rule: RULE,
      gpuHourMicros: () => 1,
      currency: 'USD',
      logger: mockServices.logger.mock(),
    });
    expect(capability.tasks).toEqual([]);
    expect(capability.scanner).toBeUndefined();
    expect(await capability.store.listOpen()).toEqual([]);
  });

  it('scans globally every scanFrequency and tells owners and leads', async () => {
    const cluster = new FakeCluster();
    cluster.hold(
      gpuPod('llama-8b-0', {
        kind: 'inference',
        model: 'llama-8b',
        startedAt: new Date(T0).toISOString(),
      }),
      () => 0,
      [0, 1],
    );
    const send = jest.fn(async () => {});
    const read = jest.fn(async () => ({
      environmentEvents: [],
      jobs: [],
      pods: [],
      tokens: [],
    }));
    let now = new Date(T0 + 31 * MIN);
    const capability = await createIdleCapability({
      database: await database(),
      reader: cluster.reader,
      // vLLM's counter has no series: the metered calls decide.
      prometheus: cluster,
      rule: { ...RULE, scanFrequencyMs: 30_000 },
      gpuHourMicros: () => 4_100_000,
      config: { currency: 'EUR' },
      connection: { scrapeIntervalSeconds: 15 },
      facts: { read },
      notifications: { send },
      teams: { contactsOf: async () => ['user:default/ada.lovelace'] },
      logger: mockServices.logger.mock(),
      clock: () => now,
    });
    expect(capability.tasks).toEqual([
      expect.objectContaining({
        id: 'genai-insights-idle-gpus',
        frequency: { milliseconds: 30_000 },
        scope: 'global',
      }),
    ]);
    await capability.tasks![0].fn(new AbortController().signal as any);
    now = new Date(T0 + 32 * MIN);
    await capability.tasks![0].fn(new AbortController().signal as any);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['user:default/marco.rossi', 'user:default/ada.lovelace'],
        },
        payload: expect.objectContaining({
          description: expect.stringContaining(' EUR ('),
        }),
      }),
    );
    expect(cluster.instantQueries).toHaveLength(2);
    expect(read).toHaveBeenCalled();
    expect(
      (await capability.store.listOpen()).map(e => [e.gpuId, e.lastSeen]),
    ).toEqual([
      [0, now.toISOString()],
      [1, now.toISOString()],
    ]);
  });
});
