import { mockServices } from '@backstage/backend-test-utils';
import { databases, makeStores } from '../../__testUtils__/database';
import { ML } from '../../__testUtils__/fixtures';
import { DatabaseCursorStore } from '../../collect/DatabaseCursorStore';
import { FeedCollector } from '../../collect/FeedCollector';
import { fakeClock } from '../../collect/__testUtils__/FakeFeed';
import {
  DatabaseIdleEpisodeStore,
  type IdleObservation,
} from './DatabaseIdleEpisodeStore';
import { IdleEpisodeFactSource } from './IdleEpisodeFactSource';

jest.setTimeout(120_000);

const DAY = '2026-12-30T';
const at = (time: string) => `${DAY}${time}:00.000Z`;

/** GPU `gpuId` of pod `nb-0` of ml-research-lab idle since `since`. */
const idle = (gpuId: number, since: string): IdleObservation => ({
  node: 'node-a',
  gpuId,
  pool: 'mi300x',
  namespace: 'ml-research-lab',
  pod: 'nb-0',
  podUid: 'uid-nb-0',
  kind: 'other',
  team: ML,
  environment: 'ml-research-lab',
  since: at(since),
  gpuHourMicros: 2_900_000,
});

describe.each(databases.eachSupportedId())(
  'IdleEpisodeFactSource on %p',
  databaseId => {
    async function setup() {
      const stores = await makeStores(databaseId);
      const clock = fakeClock(at('10:00'));
      const episodes = await DatabaseIdleEpisodeStore.create({
        database: stores.database,
        clock,
      });
      const source = await IdleEpisodeFactSource.create({
        database: stores.database,
      });
      const reported: unknown[] = [];
      const collector = new FeedCollector({
        facts: stores.facts,
        cursors: await DatabaseCursorStore.create({
          database: stores.database,
          now: clock,
        }),
        ledger: stores.service,
        sources: [
          {
            id: source.id,
            collect: async options => {
              const facts = await source.collect(options);
              reported.push(
                facts.idleGpus?.map(g => [g.id, g.start, g.end ?? 'open']),
              );
              return facts;
            },
          },
        ],
        logger: mockServices.logger.mock(),
        clock,
      });
      /** The used GPU-hours of the hour starting at `time`. */
      const used = async (time: string) => {
        const row = await stores
          .knex('ledger_rows')
          .where({ hour: at(time), category: 'gpu', basis: 'used' })
          .sum({ quantity: 'quantity' })
          .first();
        return Math.round(Number(row?.quantity ?? 0) * 1e6) / 1e6;
      };
      // a notebook's pod holding 2 GPUs from 08:00
      await stores.facts.add({
        pods: [
          {
            id: 'uid-nb-0',
            environmentId: 'ml-research-lab',
            team: ML,
            costCenter: 'CC-100',
            pool: 'mi300x',
            gpus: 2,
            cpu: 4,
            memoryGi: 32,
            start: at('08:00'),
          },
        ],
      });
      return { ...stores, clock, episodes, collector, reported, used };
    }

    it('reports episodes opened and ended, and their hours are recomputed', async () => {
      const { clock, episodes, collector, reported, used } = await setup();
      await collector.run();
      expect(reported.pop()).toEqual([]);

      // found at 10:20 idle since 08:30 (a scan that was down): hours before the previous
      // one are recomputed
      await episodes.upsertOpen([idle(0, '08:30')], at('10:20'));
      clock.set(at('10:21'));
      const run = await collector.run();
      expect(reported.pop()).toEqual([['1', at('08:30'), 'open']]);
      expect(run.recomputed?.from).toBe(at('08:00'));
      expect(await used('08:00')).toBe(1.5);
      expect(await used('09:00')).toBe(1);

      // extended: nothing new
      await episodes.upsertOpen([idle(0, '08:30')], at('10:49'));
      clock.set(at('10:50'));
      await collector.run();
      expect(reported.pop()).toEqual([]);
      // open to now: 50 minutes of 2 GPUs, 50 of them idle on one
      expect(await used('10:00')).toBe(round((2 * 50 - 50) / 60));

      // ended (busy again) at 10:51: counted idle until last seen idle, hours recomputed
      expect(await episodes.end(['1'], at('10:51'))).toBe(1);
      clock.set(at('13:10'));
      const ended = await collector.run();
      expect(reported.pop()).toEqual([['1', at('08:30'), at('10:49')]]);
      expect(ended.recomputed?.from).toBe(at('08:00'));
      expect(await used('10:00')).toBe(round(2 - 49 / 60));
      expect(await used('11:00')).toBe(2);
      expect(await used('08:00')).toBe(1.5);

      clock.set(at('13:20'));
      await collector.run();
      expect(reported.pop()).toEqual([]);
    });

    it('ends an episode no scan has seen for a while, and opens it again when one does', async () => {
      const { clock, episodes, collector, reported, used } = await setup();
      await episodes.upsertOpen([idle(0, '09:30')], at('10:00'));
      clock.set(at('10:01'));
      await collector.run();
      expect(reported.pop()).toEqual([['1', at('09:30'), 'open']]);

      // the scan stopped at 10:00: after 15 minutes the episode ends when last seen
      clock.set(at('10:30'));
      await collector.run();
      expect(reported.pop()).toEqual([['1', at('09:30'), at('10:00')]]);
      expect(await used('10:00')).toBe(1);

      // the scan runs again and finds it still idle
      await episodes.upsertOpen([idle(0, '09:30')], at('10:40'));
      clock.set(at('10:41'));
      await collector.run();
      expect(reported.pop()).toEqual([['1', at('09:30'), 'open']]);
      expect(await used('10:00')).toBe(round((2 * 41 - 41) / 60));
    });

    it('reports again what a run could not store', async () => {
      const { clock, episodes, facts, collector, reported } = await setup();
      await episodes.upsertOpen(
        [idle(0, '09:30'), idle(1, '09:40')],
        at('10:00'),
      );
      const add = jest
        .spyOn(facts, 'add')
        .mockRejectedValueOnce(new Error('database gone'));
      clock.set(at('10:01'));
      const failed = await collector.run();
      expect(failed.failed).toEqual(['source:gpu-idle-episodes']);
      reported.pop();
      add.mockRestore();

      clock.set(at('10:02'));
      await collector.run();
      expect(reported.pop()).toEqual([
        ['1', at('09:30'), 'open'],
        ['2', at('09:40'), 'open'],
      ]);
      clock.set(at('10:03'));
      await collector.run();
      expect(reported.pop()).toEqual([]);
    });
  },
);

function round(value: number) {
  return Math.round(value * 1e6) / 1e6;
}
