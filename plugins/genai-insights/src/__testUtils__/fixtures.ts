import type {
  BudgetStatus,
  CostComparison,
  CostOverTime,
} from '@genai-portal/plugin-genai-insights-common';
import { MockFetchApi } from '@backstage/test-utils';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import {
  GenaiInsightsClient,
  type CostTopAnswer,
  type GenaiInsightsApi,
  type GenaiInsightsScope,
  type IdleCostAnswer,
} from '../api';
import { isoDay, monthOf } from '../lib/ranges';

/** Test data, msw handlers and a client for the plugin's tests. */

export const baseUrl = 'http://backstage.test/api/genai-insights';
export const TOKEN = 'test-user-token';

export const ML = 'group:default/ml-research';
export const APPS = 'group:default/genai-apps';

const month = monthOf(new Date());
export const MONTH = month.month;
const day = (n: number) => isoDay(month.start + n * 86_400_000);

export const scope: GenaiInsightsScope = {
  currency: 'USD',
  chargeback: 'reserved',
  all: false,
  teams: [APPS, ML],
  manageableTeams: [ML],
  canManageAll: false,
};

/** $2,000.00 of GPUs and $34.50 of CPU over the month's first two days. */
export const costOverTime: CostOverTime = {
  currency: 'USD',
  basis: 'reserved',
  interval: 'day',
  stackBy: 'category',
  points: [
    { period: day(0), key: 'gpu', costMicros: 1_200_000_000 },
    { period: day(0), key: 'cpu', costMicros: 34_500_000 },
    { period: day(1), key: 'gpu', costMicros: 800_000_000 },
  ],
};

export const comparison: CostComparison = {
  currency: 'USD',
  basis: 'reserved',
  current: {
    from: new Date(month.start).toISOString(),
    to: new Date(month.start + 2 * 86_400_000).toISOString(),
    costMicros: 2_034_500_000,
  },
  previous: {
    from: new Date(month.start - 2 * 86_400_000).toISOString(),
    to: new Date(month.start).toISOString(),
    costMicros: 1_808_444_444,
  },
  changeMicros: 226_055_556,
  changeRatio: 0.125,
};

export const topEnvironments: CostTopAnswer = {
  currency: 'USD',
  basis: 'reserved',
  items: [
    { key: 'ml-research-llama', team: ML, costMicros: 1_500_000_000 },
    { key: 'ml-research-mistral', team: ML, costMicros: 534_500_000 },
  ],
};

export const topModels: CostTopAnswer = {
  currency: 'USD',
  basis: 'reserved',
  items: [{ key: 'llama-3.3-70b', team: ML, costMicros: 12_340_000 }],
};

export const idle: IdleCostAnswer = {
  currency: 'USD',
  items: [
    {
      category: 'gpu',
      reservedMicros: 2_000_000_000,
      usedMicros: 1_250_000_000,
      idleMicros: 750_000_000,
      reservedQuantity: 690,
      usedQuantity: 431,
    },
    {
      category: 'cpu',
      reservedMicros: 34_500_000,
      usedMicros: 20_000_000,
      idleMicros: 14_500_000,
      reservedQuantity: 862,
      usedQuantity: 500,
    },
  ],
};

/** No environment held more than it used: the Savings card's empty answer. */
export const noSavings = {
  currency: 'USD',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  items: [],
  totals: {
    reservedMicros: 0,
    idleMicros: 0,
    idleRatio: null,
    gpuReservedMicros: 0,
    gpuIdleMicros: 0,
    gpuIdleRatio: null,
    savingMicros: 0,
  },
};

export const teamBudget: BudgetStatus = {
  scope: 'team',
  subject: ML,
  month: MONTH,
  currency: 'USD',
  budgetMicros: 5_000_000_000,
  monthToDateMicros: 2_034_500_000,
  forecast: {
    costMicros: 5_400_000_000,
    lowMicros: 4_900_000_000,
    highMicros: 5_900_000_000,
  },
  thresholds: ['forecast-100'],
};

export const environmentBudget: BudgetStatus = {
  scope: 'environment',
  subject: 'ml-research-llama',
  month: MONTH,
  currency: 'USD',
  budgetMicros: 2_000_000_000,
  monthToDateMicros: 1_500_000_000,
  forecast: {
    costMicros: 2_600_000_000,
    lowMicros: 2_300_000_000,
    highMicros: 2_900_000_000,
  },
  thresholds: ['actual-50', 'forecast-100'],
};

/** A request the fake backend received. */
export interface SeenRequest {
  method: string;
  url: URL;
  auth: string | null;
  body?: unknown;
}

type Answer = JsonBodyType | ((url: URL) => JsonBodyType);

/** An error answer as the backend's error handler writes it. */
export function backendError(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

/**
 * The backend's routes on the msw server, answering the fixtures (or `answers`), recording every
 * request. A route given a Response (say `backendError(403, ...)`) answers that instead.
 */
export function serveBackend(
  server: SetupServer,
  answers: Partial<Record<string, Answer | (() => Response)>> = {},
): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const defaults: Record<string, Answer> = {
    'GET /scope': scope,
    'GET /cost': url =>
      ({
        ...costOverTime,
        stackBy: url.searchParams.get('stackBy') ?? 'category',
      } as JsonBodyType),
    'GET /cost/compare': comparison,
    'GET /cost/top': url =>
      (url.searchParams.get('by') === 'model'
        ? topModels
        : topEnvironments) as unknown as JsonBodyType,
    'GET /cost/idle': idle as unknown as JsonBodyType,
    'GET /cost/savings': noSavings as JsonBodyType,
    'GET /budgets': { items: [teamBudget, environmentBudget] } as JsonBodyType,
    'PUT /budgets': { budget: null },
  };
  const route = (method: 'get' | 'put', path: string) =>
    http[method](`${baseUrl}${path}`, async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.text();
      seen.push({
        method: request.method,
        url,
        auth: request.headers.get('authorization'),
        body: text ? JSON.parse(text) : undefined,
      });
      const key = `${request.method} ${path}`;
      const answer = key in answers ? answers[key] : defaults[key];
      if (typeof answer === 'function') {
        const result = (answer as (u: URL) => unknown)(url);
        return result instanceof Response
          ? result
          : HttpResponse.json(result as JsonBodyType);
      }
      return HttpResponse.json(answer as JsonBodyType);
    });
  server.use(
    route('get', '/scope'),
    route('get', '/cost'),
    route('get', '/cost/compare'),
    route('get', '/cost/top'),
    route('get', '/cost/idle'),
    route('get', '/cost/savings'),
    route('get', '/budgets'),
    route('put', '/budgets'),
    http.get(`${baseUrl}/export/:format`, ({ request, params }) => {
      seen.push({
        method: request.method,
        url: new URL(request.url),
        auth: request.headers.get('authorization'),
      });
      return new HttpResponse('hour,cost\n', {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="genai-${
            params.format === 'focus' ? 'focus' : 'ledger'
          }-test.csv"`,
        },
      });
    }),
  );
  return seen;
}

/** The real client, through a fetchApi that adds the user's token as the app's does. */
export function makeClient(): GenaiInsightsApi {
  return new GenaiInsightsClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi({
      // Looked up at call time: msw replaces the global fetch when its server starts listening.
      baseImplementation: ((...args: Parameters<typeof fetch>) =>
        fetch(...args)) as any,
      injectIdentityAuth: { token: TOKEN },
    }),
  });
}

/** A fake of the API with every method answering the fixtures, for tests without HTTP. */
export function fakeApi(
  overrides: Partial<GenaiInsightsApi> = {},
): jest.Mocked<GenaiInsightsApi> {
  return {
    getScope: jest.fn().mockResolvedValue(scope),
    getCostOverTime: jest.fn().mockResolvedValue(costOverTime),
    getCostComparison: jest.fn().mockResolvedValue(comparison),
    getTopCosts: jest
      .fn()
      .mockImplementation(async q =>
        q.by === 'model' ? topModels : topEnvironments,
      ),
    getIdleCost: jest.fn().mockResolvedValue(idle),
    getSavings: jest.fn().mockResolvedValue(noSavings),
    getBudgets: jest
      .fn()
      .mockResolvedValue({ items: [teamBudget, environmentBudget] }),
    setBudget: jest.fn().mockResolvedValue({ budget: null }),
    downloadExport: jest.fn(),
    ...overrides,
  } as jest.Mocked<GenaiInsightsApi>;
}
