import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { BudgetScope } from '@genai-portal/plugin-genai-insights-common';
import type { Knex } from 'knex';
import type { BudgetStore, StoredBudget } from './BudgetStore';

export class DatabaseBudgetStore implements BudgetStore {
  /** A store on the plugin's database, migrated beforehand (migrateDatabase). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseBudgetStore> {
    return new DatabaseBudgetStore(await options.database.getClient());
  }

  private constructor(private readonly db: Knex) {}

  async list(filter?: { teams?: string[] }): Promise<StoredBudget[]> {
    const query = this.db('budgets').orderBy(['scope', 'subject']);
    // Teams see their own team budgets; cost centers are shared across teams.
    if (filter?.teams) {
      const teams = filter.teams;
      query.where(q =>
        q
          .where('scope', 'cost-center')
          .orWhere(t => t.where('scope', 'team').whereIn('subject', teams)),
      );
    }
    const rows = await query;
    return rows.map(r => ({
      scope: r.scope,
      subject: r.subject,
      monthlyMicros: Number(r.monthly_micros),
      currency: r.currency,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    }));
  }

  async put(budget: StoredBudget): Promise<void> {
    await this.db('budgets')
      .insert({
        scope: budget.scope,
        subject: budget.subject,
        monthly_micros: budget.monthlyMicros,
        currency: budget.currency,
        updated_by: budget.updatedBy,
        updated_at: budget.updatedAt,
      })
      .onConflict(['scope', 'subject'])
      .merge();
  }

  async remove(scope: BudgetScope, subject: string): Promise<boolean> {
    const n = await this.db('budgets').where({ scope, subject }).delete();
    return n > 0;
  }
}
