import type { LedgerFacts } from '@genai-portal/plugin-genai-insights-common';
import { ConfigReader } from '@backstage/config';
import { readInsightsConfig } from '../config';
import { databases, makeStores } from '../__testUtils__/database';
import {
  APPS,
  event,
  job,
  ML,
  RATE_CONFIG,
  tokens,
} from '../__testUtils__/fixtures';

jest.setTimeout(120_000);

const FROM = '2026-11-10T00:00:00.000Z';
const TO = '2026-11-17T00:00:00.000Z';
const NOW = new Date(TO);
const CHANGE = Date.parse('2026-11-15T00:00:00Z');

/** A week of one team's environments, jobs and calls, across the rate change, and another team. */
const FACTS: LedgerFacts = {
  environmentEvents: [
    event({
      id: 'a1',
      environmentId: 'ml-a',
      at: '2026-11-10T08:20:00Z',
      quota: { gpus: 2, cpu: 8, memoryGi: 64, storageGi: 100 },
    }),
    event({
      id: 'a2',
      environmentId: 'ml-a',
      at: '2026-11-11T08:00:00Z',
      type: 'extended',
      quota: { gpus: 2, cpu: 8, memoryGi: 64, storageGi: 100 },
    }),
    event({
      id: 'a3',
      environmentId: 'ml-a',
      at: '2026-11-14T12:00:07Z',
      type: 'resized',
      quota: { gpus: 4, cpu: 8, memoryGi: 64, storageGi: 100 },
    }),
    event({
      id: 'a4',
      environmentId: 'ml-a',
      at: '2026-11-16T03:33:33Z',
      type: 'deleted',
      quota: { gpus: 4, cpu: 8, memoryGi: 64, storageGi: 100 },
    }),
    event({
      id: 'b1',
      environmentId: 'ml-b',
      pool: 'mi355x',
      at: '2026-11-12T00:00:00Z',
      quota: { gpus: 1, cpu: 4, memoryGi: 32, storageGi: 50 },
    }),
    event({
      id: 'x1',
      environmentId: 'apps-x',
      team: APPS,
      at: '2026-11-09T00:00:00Z',
      quota: { gpus: 8, cpu: 64, memoryGi: 512, storageGi: 1000 },
    }),
  ],
  jobs: [
    job({
      jobId: 'j1',
      environmentId: 'ml-a',
      gpus: 2,
      start: '2026-11-10T09:00:00Z',
      end: '2026-11-10T17:30:45Z',
    }),
    job({
      jobId: 'j2',
      environmentId: 'ml-a',
      gpus: 4,
      start: '2026-11-14T22:10:00Z',
      end: '2026-11-15T02:00:00Z',
      nodeLabels: { 'capacity-type': 'spot' },
    }),
    job({
      jobId: 'j3',
      environmentId: 'ml-b',
      pool: 'mi355x',
      start: '2026-11-16T20:00:00Z',
    }),
    job({
      jobId: 'jx',
      environmentId: 'apps-x',
      team: APPS,
      gpus: 8,
      start: '2026-11-10T00:00:00Z',
      end: '2026-11-12T00:00:00Z',
    }),
  ],
  pods: [],
  tokens: [
    tokens({
      id: 't1',
      environmentId: 'ml-a',
      at: '2026-11-10T10:00:01Z',
      inputTokens: 123_456,
      outputTokens: 7_890,
    }),
    tokens({
      id: 't2',
      environmentId: 'ml-b',
      at: '2026-11-15T10:00:00Z',
      inputTokens: 1_000_000,
      outputTokens: 250_000,
    }),
    tokens({
      id: 't3',
      environmentId: 'ml-b',
      at: '2026-11-16T23:59:59Z',
      model: 'qwen',
      inputTokens: 999,
      outputTokens: 1,
    }),
    tokens({
      id: 'tx',
      environmentId: 'apps-x',
      team: APPS,
      at: '2026-11-11T00:00:00Z',
      inputTokens: 5_000_000,
    }),
  ],
};

/**
 * The same numbers computed another way: whole spans and runs times the rate card's prices,
 * in currency micros as floats, split only at the rate change (versions 1 and 2 by hand).
 */
function expectedByHand() {
  const v1 = {
    mi300x: 2.9,
    mi300xSpot: 1.2,
    mi355x: 4.1,
    cpu: 0.04,
    mem: 0.005,
    sto: 0.08,
  };
  const v2 = {
    mi300x: 3.5,
    mi300xSpot: 1.5,
    mi355x: 5,
    cpu: 0.05,
    mem: 0.006,
    sto: 0.1,
  };
  const hours = (from: string, to: string, version: 1 | 2) => {
    const [s, e] = [Date.parse(from), Date.parse(to)];
    const lo = version === 1 ? s : Math.max(s, CHANGE);
    const hi = version === 1 ? Math.min(e, CHANGE) : e;
    return Math.max(0, hi - lo) / 3_600_000;
  };
  const spans = [
    {
      from: '2026-11-10T08:20:00Z',
      to: '2026-11-14T12:00:07Z',
      pool: 'mi300x',
      q: [2, 8, 64, 100],
    },
    {
      from: '2026-11-14T12:00:07Z',
      to: '2026-11-16T03:33:33Z',
      pool: 'mi300x',
      q: [4, 8, 64, 100],
    },
    { from: '2026-11-12T00:00:00Z', to: TO, pool: 'mi355x', q: [1, 4, 32, 50] },
  ] as const;
  let reserved = 0;
  for (const span of spans) {
    for (const [version, r] of [
      [1, v1],
      [2, v2],
    ] as const) {
      const h = hours(span.from, span.to, version);
      const [gpus, cpu, mem, sto] = span.q;
      reserved +=
        h *
        (gpus * r[span.pool] + cpu * r.cpu + mem * r.mem + (sto * r.sto) / 730);
    }
  }
  const runs = [
    {
      from: '2026-11-10T09:00:00Z',
      to: '2026-11-10T17:30:45Z',
      gpus: 2,
      price: [v1.mi300x, v2.mi300x],
    },
    {
      from: '2026-11-14T22:10:00Z',
      to: '2026-11-15T02:00:00Z',
      gpus: 4,
      price: [v1.mi300xSpot, v2.mi300xSpot],
    },
    {
      from: '2026-11-16T20:00:00Z',
      to: TO,
      gpus: 1,
      price: [v1.mi355x, v2.mi355x],
    },
  ];
  let used = 0;
  for (const run of runs) {
    used += run.gpus * hours(run.from, run.to, 1) * run.price[0];
    used += run.gpus * hours(run.from, run.to, 2) * run.price[1];
  }
  // llama: 0.15/0.60 before the change, 0.20/0.80 after; qwen falls to '*': 1/2 (version 1's
  // catch-all; version 2 has none, so qwen is free after the change).
  const tokenCost =
    (123_456 * 0.15 + 7_890 * 0.6) / 1e6 +
    (1_000_000 * 0.2 + 250_000 * 0.8) / 1e6 +
    0;
  const micros = (x: number) => x * 1e6;
  return {
    reserved: micros(reserved),
    used: micros(used),
    tokens: micros(tokenCost),
  };
}

describe.each(databases.eachSupportedId())(
  'LedgerService on %p',
  databaseId => {
    it('reconciles: a team rows equal the rate card applied to its reservations, jobs and tokens', async () => {
      const { facts, service, ledger, knex } = await makeStores(databaseId);
      await facts.add(FACTS);
      await service.recomputeHours(FROM, TO, NOW);

      const expected = expectedByHand();
      const rowCount = Number(
        (await knex('ledger_rows').where('team', ML).count({ n: '*' }))[0].n,
      );
      const reserved = await ledger.total({
        from: FROM,
        to: TO,
        teams: [ML],
        basis: 'reserved',
      });
      const used = await ledger.total({
        from: FROM,
        to: TO,
        teams: [ML],
        basis: 'used',
      });
      // Each row is rounded once to the micro: the sums may differ by half a micro per row.
      const tolerance = rowCount / 2;
      expect(
        Math.abs(reserved - (expected.reserved + expected.tokens)),
      ).toBeLessThanOrEqual(tolerance);
      expect(
        Math.abs(used - (expected.used + expected.tokens)),
      ).toBeLessThanOrEqual(tolerance);
      expect(reserved).toBeGreaterThan(700_000_000); // about 700 USD: the test prices something
    });

    it('is idempotent: recomputing, in any ranges, and facts delivered twice give the same rows', async () => {
      const { facts, service, allRows } = await makeStores(databaseId);
      await facts.add(FACTS);
      await service.recomputeHours(FROM, TO, NOW);
      const first = await allRows();
      expect(first.length).toBeGreaterThan(100);

      await service.recomputeHours(FROM, TO, NOW);
      expect(await allRows()).toEqual(first);

      // A backfill in overlapping pieces, and a page of the feed delivered again.
      await facts.add({ jobs: FACTS.jobs, tokens: FACTS.tokens });
      for (let day = 10; day < 17; day++) {
        await service.recomputeHours(
          `2026-11-${day}T00:00:00Z`,
          `2026-11-${day + 1}T00:00:00Z`,
          NOW,
        );
      }
      await service.recomputeHours(
        '2026-11-12T05:30:00Z',
        '2026-11-13T01:10:00Z',
        NOW,
      );
      expect(await allRows()).toEqual(first);
    });

    it('takes concurrent recomputes of overlapping hours one after the other', async () => {
      const { facts, service, allRows } = await makeStores(databaseId);
      await facts.add(FACTS);
      await service.recomputeHours(FROM, TO, NOW);
      const first = await allRows();
      await Promise.all([
        service.recomputeHours(FROM, TO, NOW),
        service.recomputeHours(
          '2026-11-11T00:00:00Z',
          '2026-11-14T00:00:00Z',
          NOW,
        ),
        service.recomputeHours(FROM, '2026-11-12T00:00:00Z', NOW),
      ]);
      expect(await allRows()).toEqual(first);
    });

    it('never reprices hours before a new rate version', async () => {
      const onlyV1 = readInsightsConfig(
        new ConfigReader({
          genaiInsights: {
            rateCard: {
              ...RATE_CONFIG.rateCard,
              versions: [RATE_CONFIG.rateCard.versions[0]],
            },
          },
        }),
      );
      const before = await makeStores(databaseId, onlyV1);
      await before.facts.add(FACTS);
      await before.service.recomputeHours(FROM, TO, NOW);
      const withV2 = await makeStores(databaseId);
      await withV2.facts.add(FACTS);
      await withV2.service.recomputeHours(FROM, TO, NOW);

      const split = (rows: any[]) => ({
        past: rows.filter(r => r.hour < '2026-11-15'),
        after: rows.filter(r => r.hour >= '2026-11-15'),
      });
      const a = split(await before.allRows());
      const b = split(await withV2.allRows());
      expect(b.past).toEqual(a.past);
      expect(b.after).not.toEqual(a.after);
    });

    it('recounts an hour when a running job ends', async () => {
      const { facts, service, ledger } = await makeStores(databaseId);
      await facts.add({
        jobs: [job({ jobId: 'r', start: '2026-11-10T10:00:00Z' })],
      });
      await service.recomputeHours(
        '2026-11-10T10:00:00Z',
        '2026-11-10T11:00:00Z',
        new Date('2026-11-10T10:30:00Z'),
      );
      const hour = {
        from: '2026-11-10T10:00:00.000Z',
        to: '2026-11-10T11:00:00.000Z',
        basis: 'used' as const,
      };
      expect(await ledger.total(hour)).toBe(1_450_000);
      await facts.add({
        jobs: [
          job({
            jobId: 'r',
            start: '2026-11-10T10:00:00Z',
            end: '2026-11-10T10:45:00Z',
          }),
        ],
      });
      await service.recomputeHours(
        '2026-11-10T10:00:00Z',
        '2026-11-10T11:00:00Z',
        new Date('2026-11-10T12:00:00Z'),
      );
      expect(await ledger.total(hour)).toBe(2_175_000);
    });
  },
);
