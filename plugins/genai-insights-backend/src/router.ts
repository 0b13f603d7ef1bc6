import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  budgetManagePermission,
  budgetPutSchema,
  budgetsQuerySchema,
  costCompareQuerySchema,
  costIdleQuerySchema,
  costOverTimeQuerySchema,
  costSavingsQuerySchema,
  costCenterBudgetManagePermission,
  costReadPermission,
  costTopQuerySchema,
  exportQuerySchema,
  MAX_RANGE_DAYS,
  scopeQuerySchema,
  toMicros,
  type CostBasis,
  type CostComparison,
  type CostOverTime,
  type CostSavings,
  type IdleCost,
  type InsightsScope,
} from '@genai-portal/plugin-genai-insights-common';
import express, { type Request } from 'express';
import type { BudgetService } from './budgets/BudgetService';
import type { BudgetStore } from './budgets/BudgetStore';
import { focusColumns, ledgerColumns } from './export/columns';
import { writeCsv } from './export/writeCsv';
import type { LedgerStore } from './ledger/LedgerStore';
import type { SavingsStore } from './ledger/SavingsStore';
import { ceilHour, floorHour, iso } from './lib/hours';
import { parseInput } from './lib/validation';
import { teamKey } from './permissions/rules';
import type { TeamScopeGate } from './permissions/TeamScopeGate';
import { addGpuRoutes, type GpuRoutesOptions } from './gpu/routes';
import {
  addComplianceRoutes,
  type ComplianceRoutesOptions,
} from './compliance/routes';
import { loadOpenApiSpec } from './schema/openapiSpec';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  /** How routes ask the policy (registerPermissions). */
  gate: TeamScopeGate;
  auditor: AuditorService;
  ledger: LedgerStore;
  /** Idle cost per environment and the GPU quota that would have been enough. */
  savings: SavingsStore;
  budgets: BudgetStore;
  budgetService: BudgetService;
  currency: string;
  /** The basis charged, and answered when a query names none. */
  chargeback: CostBasis;
  /** GPU utilization's services (`/gpu/...`). */
  gpu: Omit<GpuRoutesOptions, 'gate' | 'caller'>;
  /** The compliance scorecards (`/compliance/...`). */
  compliance: Omit<ComplianceRoutesOptions, 'gate' | 'caller'>;
}

/** A query's range on whole hours: `from` floored, `to` rounded up. */
function hours(query: { from: string; to: string }) {
  return {
    from: iso(floorHour(Date.parse(query.from))),
    to: iso(ceilHour(Date.parse(query.to))),
  };
}

/**
 * The plugin's HTTP API, built from its OpenAPI document (src/schema/openapi.yaml): a request
 * that does not match it is a 400 naming the field before any handler runs. Each handler
 * authenticates, parses with the -common schema, asks the policy for the teams it reads or the
 * team it changes, then calls one store.
 *
 * Every read is of the caller's teams: the teams asked for must be within the caller's scope
 * under `genai-insights.cost.read` (a team outside it is a 403 naming the team), and a query
 * without teams reads all the caller may reach (admins and services: every team).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, gate, ledger, currency, chargeback } = options;
  const router = createValidatedOpenApiRouter(loadOpenApiSpec(), {
    middleware: [express.json({ limit: '10kb' })],
    // Identity is Backstage's httpAuth, checked by each handler.
    validatorOptions: { validateSecurity: false },
  }) as unknown as express.Router;

  const caller = (req: Request): Promise<BackstageCredentials> =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /** The teams a read covers (undefined: all), after the policy; see teamsToRead. */
  const readable = async (
    credentials: BackstageCredentials,
    teams?: string[],
  ): Promise<string[] | undefined> =>
    (await gate.teamsToRead(costReadPermission, credentials, teams)).teams;

  /** Teams with ledger rows in the longest range a query covers, or with a budget. */
  const knownTeams = async (): Promise<string[]> => {
    const now = Date.now();
    const range = {
      from: iso(floorHour(now - MAX_RANGE_DAYS * 86_400_000)),
      to: iso(ceilHour(now + 1)),
    };
    const [reserved, used, budgets] = await Promise.all([
      ledger.costOverTime({ ...range, basis: 'reserved' }, 'month', 'team'),
      ledger.costOverTime({ ...range, basis: 'used' }, 'month', 'team'),
      options.budgets.list(),
    ]);
    const teams = [
      ...reserved.map(p => p.key),
      ...used.map(p => p.key),
      ...budgets.filter(b => b.scope === 'team').map(b => b.subject),
    ].flatMap(t => teamKey(t) ?? []);
    return [...new Set(teams)].sort();
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/scope', async (req, res) => {
    const credentials = await caller(req);
    parseInput(scopeQuerySchema, req.query, 'query');
    const [read, manage] = await Promise.all([
      gate.scope(costReadPermission, credentials),
      gate.scope(budgetManagePermission, credentials, { orNone: true }),
    ]);
    const known = read.all || manage.all ? await knownTeams() : [];
    const body: InsightsScope = {
      currency,
      chargeback,
      all: read.all,
      teams: read.all ? known : [...read.teams].sort(),
      manageableTeams: manage.all ? known : [...manage.teams].sort(),
      canManageAll: manage.all,
    };
    res.json(body);
  });

  router.get('/cost', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(costOverTimeQuerySchema, req.query, 'query');
    const teams = await readable(credentials, q.teams);
    const basis = q.basis ?? chargeback;
    const points = await ledger.costOverTime(
      { ...hours(q), teams, basis },
      q.interval,
      q.stackBy,
    );
    const body: CostOverTime = {
      currency,
      basis,
      interval: q.interval,
      stackBy: q.stackBy,
      points,
    };
    res.json(body);
  });

  router.get('/cost/compare', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(costCompareQuerySchema, req.query, 'query');
    const teams = await readable(credentials, q.teams);
    const basis = q.basis ?? chargeback;
    const current = hours(q);
    const length = Date.parse(current.to) - Date.parse(current.from);
    const previous = {
      from: iso(Date.parse(current.from) - length),
      to: current.from,
    };
    const [now, before] = await Promise.all([
      ledger.total({ ...current, teams, basis }),
      ledger.total({ ...previous, teams, basis }),
    ]);
    const body: CostComparison = {
      currency,
      basis,
      current: { ...current, costMicros: now },
      previous: { ...previous, costMicros: before },
      changeMicros: now - before,
      changeRatio: before === 0 ? null : (now - before) / before,
    };
    res.json(body);
  });

  router.get('/cost/top', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(costTopQuerySchema, req.query, 'query');
    const teams = await readable(credentials, q.teams);
    const basis = q.basis ?? chargeback;
    const items = await ledger.top(
      { ...hours(q), teams, basis },
      q.by,
      q.limit,
    );
    res.json({ currency, basis, items });
  });

  router.get('/cost/idle', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(costIdleQuerySchema, req.query, 'query');
    const teams = await readable(credentials, q.teams);
    const totals = await ledger.byCategory({ ...hours(q), teams });
    const items = new Map<string, IdleCost>();
    for (const t of totals) {
      const item = items.get(t.category) ?? {
        category: t.category,
        reservedMicros: 0,
        usedMicros: 0,
        idleMicros: 0,
        reservedQuantity: 0,
        usedQuantity: 0,
      };
      if (t.basis === 'reserved') {
        item.reservedMicros = t.costMicros;
        item.reservedQuantity = t.quantity;
      } else {
        item.usedMicros = t.costMicros;
        item.usedQuantity = t.quantity;
      }
      item.idleMicros = Math.max(0, item.reservedMicros - item.usedMicros);
      items.set(t.category, item);
    }
    res.json({ currency, items: [...items.values()] });
  });

  router.get('/cost/savings', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(costSavingsQuerySchema, req.query, 'query');
    const teams = await readable(credentials, q.teams);
    const range = hours(q);
    const { items, totals } = await options.savings.savings(
      { ...range, teams },
      q.limit,
    );
    const body: CostSavings = { currency, ...range, items, totals };
    res.json(body);
  });

  router.get('/budgets', async (req, res) => {
    const credentials = await caller(req);
    const q = parseInput(budgetsQuerySchema, req.query, 'query');
    const { all, teams } = await gate.teamsToRead(
      costReadPermission,
      credentials,
      q.teams,
    );
    const month = q.month ?? new Date().toISOString().slice(0, 7);
    const items = await options.budgetService.status({ month, teams });
    // A cost center spans teams: its spending is other teams' too, so only a caller who reads
    // every team sees cost-center budgets.
    res.json({
      items: all ? items : items.filter(item => item.scope !== 'cost-center'),
    });
  });

  router.put('/budgets', async (req, res) => {
    const credentials = await caller(req);
    const parsed = parseInput(budgetPutSchema, req.body, 'request');
    // Teams are kept as the catalog writes group refs (lower case), as the reads compare them.
    const body =
      parsed.scope === 'team'
        ? { ...parsed, subject: teamKey(parsed.subject) ?? parsed.subject }
        : parsed;
    if (body.scope === 'team') {
      await gate.requireOnTeam(
        budgetManagePermission,
        body.subject,
        credentials,
      );
    } else {
      await gate.require(costCenterBudgetManagePermission, credentials);
    }
    const audit = await options.auditor.createEvent({
      eventId: 'budget-put',
      severityLevel: 'medium',
      request: req,
      meta: {
        scope: body.scope,
        subject: body.subject,
        monthlyAmount: body.monthlyAmount,
      },
    });
    try {
      if (body.monthlyAmount === null) {
        await options.budgets.remove(body.scope, body.subject);
        await audit.success();
        res.json({ budget: null });
        return;
      }
      const principal = credentials.principal as {
        userEntityRef?: string;
        subject?: string;
      };
      const budget = {
        scope: body.scope,
        subject: body.subject,
        monthlyMicros: toMicros(body.monthlyAmount),
        currency,
        updatedBy: principal.userEntityRef ?? principal.subject ?? 'unknown',
        updatedAt: new Date().toISOString(),
      };
      await options.budgets.put(budget);
      await audit.success();
      res.json({ budget });
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  const exporter = (format: 'csv' | 'focus') =>
    (async (req, res) => {
      const credentials = await caller(req);
      const q = parseInput(exportQuerySchema, req.query, 'query');
      const teams = await readable(credentials, q.teams);
      // The ledger export holds both bases unless asked; FOCUS is a bill, in one basis.
      const basis = q.basis ?? (format === 'focus' ? chargeback : undefined);
      const range = hours(q);
      const columns =
        format === 'focus' ? focusColumns(currency) : ledgerColumns(currency);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader(
        'content-disposition',
        `attachment; filename="genai-${
          format === 'focus' ? 'focus' : 'ledger'
        }-${range.from.slice(0, 10)}.csv"`,
      );
      await writeCsv(res, columns, ledger.pages({ ...range, teams, basis }));
    }) as express.RequestHandler;

  router.get('/export/csv', exporter('csv'));
  router.get('/export/focus', exporter('focus'));

  addGpuRoutes(router, { ...options.gpu, gate, caller });
  addComplianceRoutes(router, { ...options.compliance, gate, caller });

  return router;
}
