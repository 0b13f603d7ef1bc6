import { databases, makeStores } from '../__testUtils__/database';
import { APPS, event, idleGpu, job, tokens } from '../__testUtils__/fixtures';

jest.setTimeout(120_000);

describe.each(databases.eachSupportedId())(
  'DatabaseFactStore on %p',
  databaseId => {
    it('reads the facts touching a range, each once however often delivered', async () => {
      const { facts } = await makeStores(databaseId);
      const batch = {
        environmentEvents: [
          event({
            id: 'gone-1',
            environmentId: 'gone',
            at: '2026-11-01T00:00:00Z',
          }),
          event({
            id: 'gone-2',
            environmentId: 'gone',
            at: '2026-11-01T05:00:00Z',
            type: 'deleted',
          }),
          event({
            id: 'live-1',
            environmentId: 'live',
            at: '2026-11-01T00:00:00Z',
            monthlyBudget: 100,
          }),
          event({
            id: 'late-1',
            environmentId: 'late',
            at: '2026-11-03T00:00:00Z',
          }),
          // an id deleted and created again before the range: its second life counts
          event({
            id: 'again-1',
            environmentId: 'again',
            at: '2026-10-01T00:00:00Z',
          }),
          event({
            id: 'again-2',
            environmentId: 'again',
            at: '2026-10-02T00:00:00Z',
            type: 'deleted',
          }),
          event({
            id: 'again-3',
            environmentId: 'again',
            at: '2026-10-05T00:00:00Z',
          }),
          // deleted within the range
          event({
            id: 'ends-1',
            environmentId: 'ends',
            at: '2026-10-01T00:00:00Z',
          }),
          event({
            id: 'ends-2',
            environmentId: 'ends',
            at: '2026-11-02T01:00:00Z',
            type: 'deleted',
          }),
        ],
        jobs: [
          job({
            jobId: 'old',
            start: '2026-11-01T00:00:00Z',
            end: '2026-11-01T01:00:00Z',
          }),
          job({
            jobId: 'open',
            start: '2026-11-01T00:00:00Z',
            nodeLabels: { a: 'b' },
          }),
        ],
        tokens: [
          tokens({ id: 'in', at: '2026-11-02T00:00:00Z' }),
          tokens({ id: 'out', at: '2026-11-03T00:00:00Z' }),
        ],
      };
      await facts.add(batch);
      await facts.add(batch);
      const read = await facts.read({
        from: '2026-11-02T00:00:00.000Z',
        to: '2026-11-03T00:00:00.000Z',
      });
      expect(read.environmentEvents.map(e => e.id)).toEqual([
        'again-1',
        'again-2',
        'again-3',
        'ends-1',
        'ends-2',
        'live-1',
      ]);
      expect(read.environmentEvents[0].quota).toEqual({
        gpus: 2,
        cpu: 16,
        memoryGi: 128,
        storageGi: 500,
      });
      expect(read.jobs.map(j => [j.jobId, j.end, j.nodeLabels])).toEqual([
        ['open', undefined, { a: 'b' }],
      ]);
      expect(read.tokens.map(t => t.id)).toEqual(['in']);
      expect(read.tokens[0]).toMatchObject({
        inputTokens: 1000,
        outputTokens: 500,
        at: '2026-11-02T00:00:00.000Z',
      });

      // A job delivered again when it ended replaces the running one.
      await facts.add({
        jobs: [
          job({
            jobId: 'open',
            start: '2026-11-01T00:00:00Z',
            end: '2026-11-01T12:00:00Z',
          }),
        ],
      });
      const after = await facts.read({
        from: '2026-11-02T00:00:00.000Z',
        to: '2026-11-03T00:00:00.000Z',
      });
      expect(after.jobs).toEqual([]);
    });

    it('keeps idle GPUs by episode id, an ended one replacing the open one', async () => {
      const { facts } = await makeStores(databaseId);
      const range = {
        from: '2026-11-02T10:00:00.000Z',
        to: '2026-11-02T12:00:00.000Z',
      };
      await facts.add({
        idleGpus: [
          idleGpu({ id: '1', start: '2026-11-02T09:30:00Z' }),
          idleGpu({
            id: '2',
            environmentId: 'apps',
            team: undefined,
            pool: 'mi355x',
            start: '2026-11-02T08:00:00Z',
            end: '2026-11-02T10:00:00Z',
          }),
          idleGpu({ id: '3', start: '2026-11-02T12:00:00Z' }),
        ],
      });
      expect((await facts.read(range)).idleGpus).toEqual([
        {
          id: '1',
          environmentId: 'ml-research-lab',
          team: 'group:default/ml-research',
          pool: 'mi300x',
          gpus: 1,
          start: '2026-11-02T09:30:00.000Z',
          end: undefined,
        },
      ]);
      // delivered again, ended, and one that overlaps the range
      await facts.add({
        idleGpus: [
          idleGpu({
            id: '1',
            start: '2026-11-02T09:30:00Z',
            end: '2026-11-02T10:45:00Z',
          }),
          idleGpu({
            id: '2',
            environmentId: 'apps',
            team: undefined,
            pool: 'mi355x',
            start: '2026-11-02T08:00:00Z',
            end: '2026-11-02T10:00:01Z',
          }),
        ],
      });
      expect(
        (await facts.read(range)).idleGpus?.map(g => [
          g.id,
          g.environmentId,
          g.team,
          g.pool,
          g.end,
        ]),
      ).toEqual([
        [
          '1',
          'ml-research-lab',
          'group:default/ml-research',
          'mi300x',
          '2026-11-02T10:45:00.000Z',
        ],
        ['2', 'apps', undefined, 'mi355x', '2026-11-02T10:00:01.000Z'],
      ]);
    });

    it('lists environments budgets from their latest event', async () => {
      const { facts } = await makeStores(databaseId);
      await facts.add({
        environmentEvents: [
          event({
            id: 'a1',
            environmentId: 'a',
            at: '2026-11-01T00:00:00Z',
            monthlyBudget: 100,
          }),
          event({
            id: 'a2',
            environmentId: 'a',
            at: '2026-11-02T00:00:00Z',
            type: 'resized',
            monthlyBudget: 250.5,
          }),
          event({
            id: 'b1',
            environmentId: 'b',
            team: APPS,
            at: '2026-11-01T00:00:00Z',
            monthlyBudget: 10,
          }),
          event({
            id: 'c1',
            environmentId: 'c',
            at: '2026-11-01T00:00:00Z',
            monthlyBudget: 10,
          }),
          event({
            id: 'c2',
            environmentId: 'c',
            at: '2026-11-02T00:00:00Z',
            type: 'deleted',
            monthlyBudget: 10,
          }),
          event({ id: 'd1', environmentId: 'd', at: '2026-11-01T00:00:00Z' }),
        ],
      });
      expect(await facts.environmentBudgets()).toEqual([
        {
          environmentId: 'a',
          team: 'group:default/ml-research',
          monthlyBudgetMicros: 250_500_000,
        },
        { environmentId: 'b', team: APPS, monthlyBudgetMicros: 10_000_000 },
      ]);
      expect(
        (await facts.environmentBudgets([APPS])).map(b => b.environmentId),
      ).toEqual(['b']);
    });
  },
);
