import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import type {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  budgetManagePermission,
  budgetPutSchema,
  budgetsQuerySchema,
  costCompareQuerySchema,
  costIdleQuerySchema,
  costOverTimeQuerySchema,
  costReadPermission,
  costTopQuerySchema,
  exportQuerySchema,
  toMicros,
  type CostBasis,
  type CostComparison,
  type CostOverTime,
  type IdleCost,
} from '@genai-portal/plugin-genai-insights-common';
import express, { type Request } from 'express';
import type { BudgetService } from './budgets/BudgetService';
import type { BudgetStore } from './budgets/BudgetStore';
import { focusColumns, ledgerColumns } from './export/columns';
import { writeCsv } from './export/writeCsv';
import type { LedgerStore } from './ledger/LedgerStore';
import { authorize } from './lib/authorize';
import { ceilHour, floorHour, iso } from './lib/hours';
import { parseInput } from './lib/validation';
import { loadOpenApiSpec } from './schema/openapiSpec';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  ledger: LedgerStore;
  budgets: BudgetStore;
  budgetService: BudgetService;
  currency: string;
  /** The basis charged, and answered when a query names none. */
  chargeback: CostBasis;
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
 * authenticates, asks the policy, parses with the -common schema, then calls one store.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, ledger, currency, chargeback } = options;
  const router = createValidatedOpenApiRouter(loadOpenApiSpec(), {
    middleware: [express.json({ limit: '10kb' })],
    // Identity is Backstage's httpAuth, checked by each handler.
    validatorOptions: { validateSecurity: false },
  }) as unknown as express.Router;

  const reader = async (req: Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(permissions, credentials, costReadPermission);
    return credentials;
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/cost', async (req, res) => {
    await reader(req);
    const q = parseInput(costOverTimeQuerySchema, req.query, 'query');
    const basis = q.basis ?? chargeback;
    const points = await ledger.costOverTime(
      { ...hours(q), teams: q.teams, basis },
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
    await reader(req);
    const q = parseInput(costCompareQuerySchema, req.query, 'query');
    const basis = q.basis ?? chargeback;
    const current = hours(q);
    const length = Date.parse(current.to) - Date.parse(current.from);
    const previous = {
      from: iso(Date.parse(current.from) - length),
      to: current.from,
    };
    const [now, before] = await Promise.all([
      ledger.total({ ...current, teams: q.teams, basis }),
      ledger.total({ ...previous, teams: q.teams, basis }),
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
    await reader(req);
    const q = parseInput(costTopQuerySchema, req.query, 'query');
    const basis = q.basis ?? chargeback;
    const items = await ledger.top(
      { ...hours(q), teams: q.teams, basis },
      q.by,
      q.limit,
    );
    res.json({ currency, basis, items });
  });

  router.get('/cost/idle', async (req, res) => {
    await reader(req);
    const q = parseInput(costIdleQuerySchema, req.query, 'query');
    const totals = await ledger.byCategory({ ...hours(q), teams: q.teams });
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

  router.get('/budgets', async (req, res) => {
    await reader(req);
    const q = parseInput(budgetsQuerySchema, req.query, 'query');
    const month = q.month ?? new Date().toISOString().slice(0, 7);
    const items = await options.budgetService.status({ month, teams: q.teams });
    res.json({ items });
  });

  router.put('/budgets', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await authorize(permissions, credentials, budgetManagePermission);
    const body = parseInput(budgetPutSchema, req.body, 'request');
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
      await reader(req);
      const q = parseInput(exportQuerySchema, req.query, 'query');
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
      await writeCsv(
        res,
        columns,
        ledger.pages({ ...range, teams: q.teams, basis }),
      );
    }) as express.RequestHandler;

  router.get('/export/csv', exporter('csv'));
  router.get('/export/focus', exporter('focus'));

  return router;
}
