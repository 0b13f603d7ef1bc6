import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { CursorStore } from './CursorStore';

const iso = (time: string) => new Date(time).toISOString();

/** Cursors in the `feed_cursors` table; times are fixed-width ISO, compared as text. */
export class DatabaseCursorStore implements CursorStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
    now?: () => Date;
  }): Promise<DatabaseCursorStore> {
    return new DatabaseCursorStore(
      await options.database.getClient(),
      options.now ?? (() => new Date()),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  async get(feed: string): Promise<string | undefined> {
    const row = await this.db('feed_cursors').where({ feed }).first();
    return row?.cursor ?? undefined;
  }

  async save(feed: string, cursor: string, staleFrom?: string): Promise<void> {
    const updatedAt = this.now().toISOString();
    await this.db.transaction(async tx => {
      const row = await tx('feed_cursors').where({ feed }).first();
      let mark: string | null = row?.stale_from ?? null;
      if (staleFrom !== undefined) {
        const from = iso(staleFrom);
        if (mark === null || from < mark) mark = from;
      }
      await tx('feed_cursors')
        .insert({ feed, cursor, stale_from: mark, updated_at: updatedAt })
        .onConflict('feed')
        .merge();
    });
  }

  async staleFrom(): Promise<string | undefined> {
    const row = await this.db('feed_cursors').min({ at: 'stale_from' }).first();
    return row?.at ?? undefined;
  }

  async markCurrent(time: string, feeds: string[] = []): Promise<void> {
    const mark = iso(time);
    const updatedAt = this.now().toISOString();
    await this.db.transaction(async tx => {
      for (const feed of feeds) {
        await tx('feed_cursors')
          .insert({
            feed,
            cursor: null,
            stale_from: mark,
            updated_at: updatedAt,
          })
          .onConflict('feed')
          .ignore();
      }
      await tx('feed_cursors')
        .where(q => q.whereNull('stale_from').orWhere('stale_from', '<', mark))
        .update({ stale_from: mark });
    });
  }
}
