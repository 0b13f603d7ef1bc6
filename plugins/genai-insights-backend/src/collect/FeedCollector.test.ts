import { mockServices } from '@backstage/backend-test-utils';
import type { PodInterval } from '@genai-portal/plugin-genai-insights-common';
import type { FactSource } from '@genai-portal/plugin-genai-insights-node';
import type { Knex } from 'knex';
import { databases, makeStores } from '../__testUtils__/database';
import { event, job, ML, testConfig, tokens } from '../__testUtils__/fixtures';
import type { CursorStore } from './CursorStore';
import { createCollectorCapability } from './createCollectorCapability';
import { DatabaseCursorStore } from './DatabaseCursorStore';
import { FeedCollector, PLAYGROUND_FEED } from './FeedCollector';
import { PlaygroundFeedClient } from './PlaygroundFeedClient';
import { FakeFeed, fakeClock } from './__testUtils__/FakeFeed';

jest.setTimeout(120_000);

/** Cost and quantity per category and basis of the hours [from, to), summed from the rows. */
async function totals(knex: Knex, from: string, to: string) {
  const rows = await knex('ledger_rows')
    .where('hour', '>=', new Date(from).toISOString())
    .where('hour', '<', new Date(to).toISOString())
    .select('category', 'basis')
    .sum({ cost: 'cost_micros', quantity: 'quantity' })
    .groupBy('category', 'basis')
    .orderBy(['category', 'basis']);
  return Object.fromEntries(
    rows.map((r: any) => [
      `${r.category}/${r.basis}`,
      {
        cost: Number(r.cost),
        quantity: Math.round(Number(r.quantity) * 1e6) / 1e6,
      },
    ]),
  );
}

/** Quantity of one category and basis in one hour. */
async function hourQuantity(
  knex: Knex,
  hour: string,
  category: string,
  basis: string,
) {
  const row = await knex('ledger_rows')
    .where({ hour: new Date(hour).toISOString(), category, basis })
    .sum({ quantity: 'quantity' })
    .first();
  return Math.round(Number(row?.quantity ?? 0) * 1e6) / 1e6;
}

describe.each(databases.eachSupportedId())(
  'FeedCollector on %p',
  databaseId => {
    let feed: FakeFeed;
    beforeEach(async () => {
      feed = await FakeFeed.start();
    });
    afterEach(() => feed.close());

    /** The plugin's stores on a fresh database, and collectors on them as a restart makes them. */
    async function setup(start: string) {
      const stores = await makeStores(databaseId);
      const clock = fakeClock(start);
      const logger = mockServices.logger.mock();
      const collector = async (
        options: {
          pageSize?: number;
          sources?: FactSource[];
          maxCatchUpDays?: number;
          wrapCursors?: (cursors: CursorStore) => CursorStore;
          wrapLedger?: (
            ledger: typeof stores.service,
          ) => Pick<typeof stores.service, 'recomputeHours'>;
        } = {},
      ) => {
        const cursors = await DatabaseCursorStore.create({
          database: stores.database,
          now: clock,
        });
        return new FeedCollector({
          facts: stores.facts,
          cursors: options.wrapCursors ? options.wrapCursors(cursors) : cursors,
          ledger: options.wrapLedger
            ? options.wrapLedger(stores.service)
            : stores.service,
          feed: new PlaygroundFeedClient({
            discovery: feed.discovery(),
            auth: mockServices.auth(),
          }),
          sources: options.sources,
          logger,
          clock,
          pageSize: options.pageSize,
          maxCatchUpDays: options.maxCatchUpDays,
        });
      };
      /** The rows collected equal a recompute of every hour from `from` from the stored facts. */
      const expectRowsOfFullRecompute = async (from: string) => {
        const collected = await stores.allRows();
        expect(collected.length).toBeGreaterThan(0);
        await stores.service.recomputeHours(from, clock(), clock());
        expect(await stores.allRows()).toEqual(collected);
      };
      return { ...stores, clock, logger, collector, expectRowsOfFullRecompute };
    }

    /** A day of one environment of ML with two jobs (one delivered again when it ended) and tokens. */
    function fillFeed() {
      feed.append({
        environmentEvents: [
          event({
            id: 'a-1',
            environmentId: 'ml-a',
            at: '2026-12-01T00:00:00Z',
          }),
        ],
        jobs: [
          job({
            jobId: 'j1',
            environmentId: 'ml-a',
            start: '2026-12-01T02:00:00Z',
            end: '2026-12-01T04:30:00Z',
          }),
          job({
            jobId: 'j2',
            environmentId: 'ml-a',
            start: '2026-12-01T03:00:00Z',
          }),
        ],
        tokens: [
          tokens({
            id: 't1',
            environmentId: 'ml-a',
            at: '2026-12-01T05:10:00Z',
            inputTokens: 1_000_000,
            outputTokens: 500_000,
          }),
        ],
      });
      feed.append({
        jobs: [
          job({
            jobId: 'j2',
            environmentId: 'ml-a',
            start: '2026-12-01T03:00:00Z',
            end: '2026-12-01T05:00:00Z',
          }),
        ],
        environmentEvents: [
          event({
            id: 'a-2',
            environmentId: 'ml-a',
            type: 'deleted',
            at: '2026-12-01T10:00:00Z',
          }),
        ],
      });
    }

    it('reads the feed page by page, and the ledger reconciles with the rate card', async () => {
      const s = await setup('2026-12-01T12:00:00Z');
      fillFeed();
      const run = await (await s.collector({ pageSize: 2 })).run();
      expect(run).toEqual({
        pages: 3,
        facts: 6,
        failed: [],
        recomputed: {
          from: '2026-12-01T00:00:00.000Z',
          to: '2026-12-01T12:00:00.000Z',
        },
      });
      // As this plugin's service principal, asking for the playground.
      expect(feed.authorizations[0]).toMatch(/^Bearer mock-service-token:/);
      expect(feed.authorizations[0]).toContain('genai-playground');
      expect(feed.queries.map(q => q.limit)).toEqual(['2', '2', '2']);

      // December's prices (the version from 2026-11-15): mi300x 3.50, CPU 0.05, memory 0.006,
      // storage 0.10 a GiB-month, llama 0.20 / 0.80 per million tokens.
      expect(
        await totals(s.knex, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z'),
      ).toEqual({
        // 10 hours of 2 GPUs, 16 cores, 128 GiB and 500 GiB.
        'gpu/reserved': { cost: 10 * 2 * 3_500_000, quantity: 20 },
        'cpu/reserved': { cost: 10 * 16 * 50_000, quantity: 160 },
        'memory/reserved': { cost: 10 * 128 * 6_000, quantity: 1280 },
        'storage/reserved': {
          cost: 10 * Math.round((500 * 100_000) / 730),
          quantity: 5000,
        },
        // j1 02:00-04:30 and j2 03:00-05:00: 4.5 GPU-hours.
        'gpu/used': { cost: 4.5 * 3_500_000, quantity: 4.5 },
        // 1M input and 0.5M output tokens, in both bases.
        'tokens/reserved': { cost: 200_000 + 400_000, quantity: 1_500_000 },
        'tokens/used': { cost: 200_000 + 400_000, quantity: 1_500_000 },
      });
      await s.expectRowsOfFullRecompute('2026-12-01T00:00:00Z');
      expect(await s.knex('job_gpu_records').orderBy('job_id')).toMatchObject([
        { job_id: 'j1' },
        { job_id: 'j2', end: '2026-12-01T05:00:00.000Z' },
      ]);

      // Nothing new: the next run asks from the last cursor and recomputes the last hours only.
      s.clock.advance(30_000);
      const again = await (await s.collector({ pageSize: 2 })).run();
      expect(again).toMatchObject({
        pages: 1,
        facts: 0,
        recomputed: {
          from: '2026-12-01T11:00:00.000Z',
          to: '2026-12-01T13:00:00.000Z',
        },
      });
      expect(feed.queries[3].after).toBe(
        Buffer.from('6').toString('base64url'),
      );
    });

    it('never counts twice across a restart, wherever the first run stopped', async () => {
      const s = await setup('2026-12-01T12:00:00Z');
      fillFeed();
      // The first run dies between storing page 2's facts and saving its cursor.
      let saves = 0;
      const first = await s.collector({
        pageSize: 2,
        wrapCursors: cursors => ({
          get: feedName => cursors.get(feedName),
          staleFrom: () => cursors.staleFrom(),
          markCurrent: (time, feeds) => cursors.markCurrent(time, feeds),
          save: async (feedName, cursor, staleFrom) => {
            if (++saves === 2) throw new Error('the backend stopped');
            await cursors.save(feedName, cursor, staleFrom);
          },
        }),
      });
      expect(await first.run()).toMatchObject({
        pages: 1,
        failed: [PLAYGROUND_FEED],
      });
      expect(s.logger.error).toHaveBeenCalledWith(
        expect.stringContaining('the backend stopped'),
      );

      // A new collector on the same database reads page 2 again, and on.
      const afterRestart = await (await s.collector({ pageSize: 2 })).run();
      expect(afterRestart).toMatchObject({ pages: 2, facts: 4, failed: [] });
      expect(feed.queries[2].after).toBe(feed.queries[1].after);
      await s.expectRowsOfFullRecompute('2026-12-01T00:00:00Z');
      expect(
        (await totals(s.knex, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z'))[
          'gpu/used'
        ],
      ).toEqual({ cost: 4.5 * 3_500_000, quantity: 4.5 });
      expect(
        Number((await s.knex('job_gpu_records').count({ n: '*' }))[0].n),
      ).toBe(2);

      // A run that stored everything but died before recomputing: the next one recomputes.
      feed.append({
        jobs: [
          job({
            jobId: 'j3',
            environmentId: 'ml-a',
            start: '2026-12-01T06:00:00Z',
            end: '2026-12-01T07:00:00Z',
            gpus: 2,
          }),
        ],
      });
      s.clock.advance(30_000);
      const dies = await s.collector({
        wrapLedger: () => ({
          recomputeHours: async () => {
            throw new Error('the backend stopped');
          },
        }),
      });
      await expect(dies.run()).rejects.toThrow('the backend stopped');
      expect(
        await hourQuantity(s.knex, '2026-12-01T06:00:00Z', 'gpu', 'used'),
      ).toBe(0);
      s.clock.advance(30_000);
      expect(await (await s.collector()).run()).toMatchObject({
        facts: 0,
        recomputed: { from: '2026-12-01T06:00:00.000Z' },
      });
      expect(
        await hourQuantity(s.knex, '2026-12-01T06:00:00Z', 'gpu', 'used'),
      ).toBe(2);
      await s.expectRowsOfFullRecompute('2026-12-01T00:00:00Z');
    });

    it('fills a gap of two hours with the right rows', async () => {
      const s = await setup('2026-12-02T10:00:20Z');
      feed.append({
        environmentEvents: [
          event({
            id: 'a-1',
            environmentId: 'ml-a',
            at: '2026-12-01T00:00:00Z',
          }),
        ],
        tokens: [
          tokens({
            id: 't1',
            environmentId: 'ml-a',
            at: '2026-12-02T09:30:00Z',
          }),
        ],
      });
      await (await s.collector()).run();
      // The current hour counts the reservation up to now: 20 seconds of 2 GPUs.
      expect(
        await hourQuantity(s.knex, '2026-12-02T10:00:00Z', 'gpu', 'reserved'),
      ).toBeCloseTo((2 * 20) / 3600, 6);

      // The backend is down until 12:05; meanwhile a job ran, tokens were used and the
      // environment was resized, all within 11:00-12:00.
      s.clock.set('2026-12-02T12:05:00Z');
      feed.append({
        jobs: [
          job({
            jobId: 'gap-job',
            environmentId: 'ml-a',
            start: '2026-12-02T11:10:00Z',
            end: '2026-12-02T11:40:00Z',
          }),
        ],
        tokens: [
          tokens({
            id: 't2',
            environmentId: 'ml-a',
            at: '2026-12-02T11:20:00Z',
          }),
        ],
        environmentEvents: [
          event({
            id: 'a-2',
            environmentId: 'ml-a',
            type: 'resized',
            at: '2026-12-02T11:30:00Z',
            quota: { gpus: 4, cpu: 16, memoryGi: 128, storageGi: 500 },
          }),
        ],
      });
      const run = await (await s.collector()).run();
      // From the hour the ledger was left current at, not only from the facts' earliest time.
      expect(run.recomputed).toEqual({
        from: '2026-12-02T10:00:00.000Z',
        to: '2026-12-02T13:00:00.000Z',
      });
      const q = (hour: string, category: string, basis: string) =>
        hourQuantity(s.knex, `2026-12-02T${hour}:00:00Z`, category, basis);
      expect(await q('10', 'gpu', 'reserved')).toBe(2);
      expect(await q('11', 'gpu', 'reserved')).toBe(2 * 0.5 + 4 * 0.5);
      expect(await q('12', 'gpu', 'reserved')).toBeCloseTo((4 * 5) / 60, 6);
      expect(await q('10', 'gpu', 'used')).toBe(0);
      expect(await q('11', 'gpu', 'used')).toBe(0.5);
      expect(await q('11', 'tokens', 'used')).toBe(1500);
      await s.expectRowsOfFullRecompute('2026-12-01T00:00:00Z');
    });

    it('stores nothing of a page of the wrong shape, and reads it again later', async () => {
      const s = await setup('2026-12-01T12:00:00Z');
      feed.append({
        environmentEvents: [
          event({
            id: 'a-1',
            environmentId: 'ml-a',
            at: '2026-12-01T00:00:00Z',
          }),
        ],
      });
      await (await s.collector()).run();
      const cursor = await s
        .knex('feed_cursors')
        .where({ feed: PLAYGROUND_FEED })
        .first();

      feed.append({
        jobs: [
          job({
            jobId: 'j1',
            environmentId: 'ml-a',
            start: '2026-12-01T02:00:00Z',
          }),
        ],
      });
      // A page with a good event and a job whose GPUs are text.
      feed.overrides.push({
        body: {
          facts: {
            environmentEvents: [
              event({
                id: 'x',
                environmentId: 'ml-x',
                at: '2026-12-01T01:00:00Z',
              }),
            ],
            jobs: [
              {
                ...job({ jobId: 'bad', start: '2026-12-01T01:00:00Z' }),
                gpus: 'two',
              },
            ],
            tokens: [],
          },
          cursor: 'Mg',
          more: false,
        },
      });
      s.clock.advance(30_000);
      expect(await (await s.collector()).run()).toMatchObject({
        pages: 0,
        failed: [PLAYGROUND_FEED],
      });
      expect(s.logger.error).toHaveBeenCalledWith(
        expect.stringContaining('facts.jobs[0].gpus'),
      );
      expect(await s.knex('environment_events').pluck('id')).toEqual(['a-1']);
      expect(await s.knex('job_gpu_records').pluck('job_id')).toEqual([]);
      expect(
        await s.knex('feed_cursors').where({ feed: PLAYGROUND_FEED }).first(),
      ).toMatchObject({ cursor: cursor.cursor });

      // A page that is not JSON, and one without a cursor: the same.
      feed.overrides.push({ status: 502, body: 'bad gateway' });
      s.clock.advance(30_000);
      expect((await (await s.collector()).run()).failed).toEqual([
        PLAYGROUND_FEED,
      ]);
      feed.overrides.push({
        body: {
          facts: { environmentEvents: [], jobs: [], tokens: [] },
          more: false,
        },
      });
      expect((await (await s.collector()).run()).failed).toEqual([
        PLAYGROUND_FEED,
      ]);
      expect(s.logger.error).toHaveBeenLastCalledWith(
        expect.stringContaining('cursor'),
      );

      // The feed answers well again: the page is read from the same cursor.
      s.clock.advance(30_000);
      expect(await (await s.collector()).run()).toMatchObject({
        pages: 1,
        facts: 1,
        failed: [],
      });
      expect(feed.queries.at(-1)?.after).toBe(cursor.cursor);
      expect(await s.knex('job_gpu_records').pluck('job_id')).toEqual(['j1']);
      await s.expectRowsOfFullRecompute('2026-12-01T00:00:00Z');
    });

    it('runs fact sources with the time of their last stored run, and stores nothing of one that fails', async () => {
      const s = await setup('2026-12-01T12:20:00Z');
      const pod = (id: string, start: string, end?: string): PodInterval => ({
        id,
        environmentId: 'ml-a',
        team: ML,
        costCenter: 'CC-100',
        pool: 'mi300x',
        gpus: 1,
        cpu: 4,
        memoryGi: 32,
        start,
        ...(end ? { end } : {}),
      });
      const calls: Array<{ id: string; since?: string; now: string }> = [];
      const good: FactSource = {
        id: 'good',
        collect: async ({ since, now }) => {
          calls.push({ id: 'good', since, now: now.toISOString() });
          return since
            ? {
                pods: [
                  pod('p1', '2026-12-01T11:00:00Z', '2026-12-01T12:30:00Z'),
                ],
              }
            : { pods: [pod('p1', '2026-12-01T11:00:00Z')] };
        },
      };
      let brokenRuns = 0;
      const broken: FactSource = {
        id: 'broken',
        collect: async ({ since }) => {
          calls.push({ id: 'broken', since, now: '' });
          brokenRuns += 1;
          throw new Error('the other system is down');
        },
      };
      const misshapen: FactSource = {
        id: 'misshapen',
        collect: async () =>
          ({
            pods: [{ ...pod('p2', '2026-12-01T11:00:00Z'), gpus: -1 }],
          } as any),
      };
      const sources = [broken, misshapen, good];
      await (await s.collector({ sources })).run();
      expect(s.logger.error).toHaveBeenCalledWith(
        expect.stringContaining('the other system is down'),
      );
      expect(s.logger.error).toHaveBeenCalledWith(
        expect.stringMatching(/misshapen.*pods\[0\]\.gpus/),
      );
      expect(await s.knex('pod_intervals').pluck('id')).toEqual(['p1']);
      expect(
        await hourQuantity(s.knex, '2026-12-01T11:00:00Z', 'cpu', 'used'),
      ).toBe(4);
      expect(
        await hourQuantity(s.knex, '2026-12-01T12:00:00Z', 'cpu', 'used'),
      ).toBeCloseTo((4 * 20) / 60, 6);

      s.clock.advance(30 * 60_000);
      await (await s.collector({ sources })).run();
      expect(calls).toEqual([
        { id: 'broken', since: undefined, now: '' },
        { id: 'good', since: undefined, now: '2026-12-01T12:20:00.000Z' },
        { id: 'broken', since: undefined, now: '' },
        {
          id: 'good',
          since: '2026-12-01T12:20:00.000Z',
          now: '2026-12-01T12:50:00.000Z',
        },
      ]);
      expect(brokenRuns).toBe(2);
      // The pod ended at 12:30: half of hour 12.
      expect(
        await hourQuantity(s.knex, '2026-12-01T12:00:00Z', 'cpu', 'used'),
      ).toBe(2);
    });

    it('recomputes the current and previous hour on every run, as open reservations grow', async () => {
      const s = await setup('2026-12-01T10:20:00Z');
      feed.append({
        environmentEvents: [
          event({
            id: 'a-1',
            environmentId: 'ml-a',
            at: '2026-12-01T09:30:00Z',
          }),
        ],
      });
      await (await s.collector()).run();
      const q = (hour: string) =>
        hourQuantity(s.knex, `2026-12-01T${hour}:00:00Z`, 'gpu', 'reserved');
      expect(await q('10')).toBeCloseTo(2 / 3, 6);
      s.clock.set('2026-12-01T11:00:10Z');
      expect((await (await s.collector()).run()).recomputed).toEqual({
        from: '2026-12-01T10:00:00.000Z',
        to: '2026-12-01T12:00:00.000Z',
      });
      expect(await q('09')).toBe(1);
      expect(await q('10')).toBe(2);
      expect(await q('11')).toBeCloseTo((2 * 10) / 3600, 6);
    });

    it('catches up in day-sized pieces, no further back than the limit', async () => {
      const s = await setup('2026-12-10T12:30:00Z');
      feed.append({
        environmentEvents: [
          event({
            id: 'old',
            environmentId: 'ml-a',
            at: '2026-12-05T06:00:00Z',
          }),
        ],
      });
      const pieces: Array<[string, string]> = [];
      const collector = await s.collector({
        maxCatchUpDays: 3,
        wrapLedger: service => ({
          recomputeHours: async (from, to, now) => {
            pieces.push([
              new Date(from).toISOString(),
              new Date(to).toISOString(),
            ]);
            return service.recomputeHours(from, to, now);
          },
        }),
      });
      await collector.run();
      expect(s.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'recomputes from 2026-12-07T12:00:00.000Z only',
        ),
      );
      expect(pieces).toEqual([
        ['2026-12-07T12:00:00.000Z', '2026-12-08T12:00:00.000Z'],
        ['2026-12-08T12:00:00.000Z', '2026-12-09T12:00:00.000Z'],
        ['2026-12-09T12:00:00.000Z', '2026-12-10T12:00:00.000Z'],
        ['2026-12-10T12:00:00.000Z', '2026-12-10T13:00:00.000Z'],
      ]);
      // Left current from the current hour on.
      expect(await s.knex('feed_cursors').pluck('stale_from')).toEqual([
        '2026-12-10T12:00:00.000Z',
      ]);
    });

    it('is a scheduled global task of the collector capability', async () => {
      const s = await setup('2026-12-01T12:00:00Z');
      fillFeed();
      const config = testConfig();
      const capability = await createCollectorCapability({
        config: { ...config, collector: { frequencySeconds: 45 } },
        database: s.database,
        discovery: feed.discovery(),
        auth: mockServices.auth(),
        logger: s.logger,
        facts: s.facts,
        ledger: s.ledger,
        clock: s.clock,
      });
      expect(capability.tasks).toEqual([
        expect.objectContaining({
          id: 'genai-insights-collector',
          frequency: { seconds: 45 },
          scope: 'global',
          initialDelay: { seconds: 5 },
        }),
      ]);
      expect(s.logger.info).toHaveBeenCalledWith(
        expect.stringContaining('pods outside jobs are not collected'),
      );
      await capability.tasks![0].fn(new AbortController().signal);
      expect(s.logger.info).toHaveBeenCalledWith(
        expect.stringContaining('Collected 6 facts (1 pages of the feed)'),
      );
      await s.expectRowsOfFullRecompute('2026-12-01T00:00:00Z');
    });
  },
);
