import { databases, makeStores } from '../__testUtils__/database';
import { DatabaseCursorStore } from './DatabaseCursorStore';

jest.setTimeout(120_000);

describe.each(databases.eachSupportedId())(
  'DatabaseCursorStore on %p',
  databaseId => {
    it('keeps cursors and the earliest time the ledger may be out of date', async () => {
      const { database, knex } = await makeStores(databaseId);
      const cursors = await DatabaseCursorStore.create({
        database,
        now: () => new Date('2026-12-01T12:00:00Z'),
      });
      expect(await cursors.get('genai-playground')).toBeUndefined();
      expect(await cursors.staleFrom()).toBeUndefined();

      await cursors.save('genai-playground', 'MQ', '2026-12-01T05:30:00Z');
      await cursors.save('genai-playground', 'Mg', '2026-12-01T07:00:00Z');
      await cursors.save('source:pods', '2026-12-01T12:00:00.000Z');
      expect(await cursors.get('genai-playground')).toBe('Mg');
      expect(await cursors.get('source:pods')).toBe('2026-12-01T12:00:00.000Z');
      // An earlier mark stands until the ledger is recomputed past it.
      expect(await cursors.staleFrom()).toBe('2026-12-01T05:30:00.000Z');

      await cursors.markCurrent('2026-12-01T06:00:00Z');
      expect(await cursors.staleFrom()).toBe('2026-12-01T06:00:00.000Z');
      await cursors.save(
        'source:pods',
        '2026-12-01T12:01:00.000Z',
        '2026-12-01T04:00:00Z',
      );
      expect(await cursors.staleFrom()).toBe('2026-12-01T04:00:00.000Z');

      // Marks before the time move up to it; feeds not seen yet are added at it.
      await cursors.save('genai-playground', 'Mw', '2026-12-01T14:00:00Z');
      await cursors.markCurrent('2026-12-01T12:00:00Z', [
        'genai-playground',
        'source:new',
      ]);
      expect(
        await knex('feed_cursors')
          .orderBy('feed')
          .select('feed', 'cursor', 'stale_from'),
      ).toEqual([
        {
          feed: 'genai-playground',
          cursor: 'Mw',
          stale_from: '2026-12-01T12:00:00.000Z',
        },
        {
          feed: 'source:new',
          cursor: null,
          stale_from: '2026-12-01T12:00:00.000Z',
        },
        {
          feed: 'source:pods',
          cursor: '2026-12-01T12:01:00.000Z',
          stale_from: '2026-12-01T12:00:00.000Z',
        },
      ]);
    });
  },
);
