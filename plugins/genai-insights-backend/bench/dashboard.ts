import type { BudgetService } from '../src/budgets/BudgetService';
import type { BudgetStore } from '../src/budgets/BudgetStore';
import { csvLine } from '../src/export/csv';
import { ledgerColumns } from '../src/export/columns';
import type { FactStore } from '../src/facts/FactStore';
import type { DatabaseLedgerStore } from '../src/ledger/DatabaseLedgerStore';
import type { LedgerSubject } from '../src/ledger/LedgerStore';

const DAY_MS = 86_400_000;

/** A query of a dashboard page, as the router calls the stores for it. */
export interface DashboardQuery {
  name: string;
  /** What the range is, for the table. */
  range: string;
  /** An admin's query (all teams): every worker asks the same. */
  admin?: boolean;
  /** The query for a lead's team over the query's range. */
  run(team: string): Promise<unknown>;
  /** The same query over one day (the last complete day): the baseline; absent when none. */
  oneDay?(team: string): Promise<unknown>;
}

/**
 * The queries a lead's cost page makes (their team's cost over time by day, week and month
 * stacked by pool, category and model; this period against the previous one; top environments
 * and models; reserved against used per category; budgets; the first page of the CSV export) and
 * an admin's all-teams view, over the last 30 or 90 days of a history ending at `end` (a UTC
 * midnight).
 */
export function dashboardQueries(options: {
  ledger: DatabaseLedgerStore;
  budgetService: BudgetService;
  budgets: BudgetStore;
  facts: FactStore;
  end: string;
  basis: 'reserved' | 'used';
}): DashboardQuery[] {
  const { ledger, budgetService, budgets, facts, basis } = options;
  const end = Date.parse(options.end);
  const days = (n: number) => ({
    from: new Date(end - n * DAY_MS).toISOString(),
    to: new Date(end).toISOString(),
  });
  const d30 = days(30);
  const d90 = days(90);
  const d1 = days(1);
  const month = options.end.slice(0, 7);
  const now = new Date(end);
  const columns = ledgerColumns('USD');

  const compare = (team: string | undefined, range: typeof d30) => {
    const length = Date.parse(range.to) - Date.parse(range.from);
    const previous = {
      from: new Date(Date.parse(range.from) - length).toISOString(),
      to: range.from,
    };
    const teams = team ? [team] : undefined;
    return Promise.all([
      ledger.total({ ...range, teams, basis }),
      ledger.total({ ...previous, teams, basis }),
    ]);
  };
  const firstPage = async (team: string, range: typeof d30) => {
    const pages = ledger.pages({ ...range, teams: [team] }, 1000);
    const first = await pages.next();
    await pages.return(undefined);
    return first.done ? [] : first.value;
  };
  const firstCsvPage = async (team: string, range: typeof d30) =>
    (await firstPage(team, range))
      .map(r => csvLine(columns.values(r)))
      .join('');
  // What BudgetService.status sums, asked in one query per kind of subject (dailyCosts)
  // instead of one per budget.
  const monthStart = `${month}-01T00:00:00.000Z`;
  const [year, m] = month.split('-').map(Number);
  const monthEnd = new Date(Date.UTC(year, m, 1)).toISOString();
  const batchedBudgets = async (team: string) => {
    const stored = await budgets.list({ teams: [team] });
    const environments = await facts.environmentBudgets([team]);
    const subjects: LedgerSubject[] = [
      ...stored.map(b =>
        b.scope === 'team' ? { team: b.subject } : { costCenter: b.subject },
      ),
      ...environments.map(e => ({ environment: e.environmentId })),
    ];
    return ledger.dailyCosts(subjects, {
      from: monthStart,
      to: monthEnd,
      basis,
    });
  };

  const lead: DashboardQuery[] = [
    {
      name: 'cost by day, stacked by pool',
      range: '30 days',
      run: team =>
        ledger.costOverTime({ ...d30, teams: [team], basis }, 'day', 'pool'),
      oneDay: team =>
        ledger.costOverTime({ ...d1, teams: [team], basis }, 'day', 'pool'),
    },
    {
      name: 'cost by week, stacked by category',
      range: '90 days',
      run: team =>
        ledger.costOverTime(
          { ...d90, teams: [team], basis },
          'week',
          'category',
        ),
      oneDay: team =>
        ledger.costOverTime(
          { ...d1, teams: [team], basis },
          'week',
          'category',
        ),
    },
    {
      name: 'cost by month, stacked by model',
      range: '90 days',
      run: team =>
        ledger.costOverTime({ ...d90, teams: [team], basis }, 'month', 'model'),
      oneDay: team =>
        ledger.costOverTime({ ...d1, teams: [team], basis }, 'month', 'model'),
    },
    {
      name: 'compare with the previous period',
      range: '30 + 30 days',
      run: team => compare(team, d30),
      oneDay: team => compare(team, d1),
    },
    {
      name: 'top environments',
      range: '30 days',
      run: team =>
        ledger.top({ ...d30, teams: [team], basis }, 'environment', 10),
      oneDay: team =>
        ledger.top({ ...d1, teams: [team], basis }, 'environment', 10),
    },
    {
      name: 'top models',
      range: '30 days',
      run: team => ledger.top({ ...d30, teams: [team], basis }, 'model', 10),
      oneDay: team => ledger.top({ ...d1, teams: [team], basis }, 'model', 10),
    },
    {
      name: 'idle: reserved vs used by category',
      range: '30 days',
      run: team => ledger.byCategory({ ...d30, teams: [team] }),
      oneDay: team => ledger.byCategory({ ...d1, teams: [team] }),
    },
    {
      name: 'budgets: month to date + forecast',
      range: 'month to date',
      run: team => budgetService.status({ month, teams: [team], now }),
    },
    {
      name: 'budgets, their sums batched (dailyCosts; proposed)',
      range: 'month to date',
      run: team => batchedBudgets(team),
    },
    {
      name: 'export: first page of 1,000 rows (the store)',
      range: '30 days',
      run: team => firstPage(team, d30),
      oneDay: team => firstPage(team, d1),
    },
    {
      name: 'CSV export: first page, formatted as CSV',
      range: '30 days',
      run: team => firstCsvPage(team, d30),
      oneDay: team => firstCsvPage(team, d1),
    },
  ];
  const admin: DashboardQuery[] = [
    {
      name: 'admin: cost by day, stacked by team',
      range: '30 days',
      admin: true,
      run: () => ledger.costOverTime({ ...d30, basis }, 'day', 'team'),
      oneDay: () => ledger.costOverTime({ ...d1, basis }, 'day', 'team'),
    },
    {
      name: 'admin: top environments',
      range: '30 days',
      admin: true,
      run: () => ledger.top({ ...d30, basis }, 'environment', 10),
      oneDay: () => ledger.top({ ...d1, basis }, 'environment', 10),
    },
    {
      name: 'admin: idle by category',
      range: '30 days',
      admin: true,
      run: () => ledger.byCategory(d30),
      oneDay: () => ledger.byCategory(d1),
    },
  ];
  return [...lead, ...admin];
}
