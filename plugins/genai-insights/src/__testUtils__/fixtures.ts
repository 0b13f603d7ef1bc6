import type {
  BudgetStatus,
  CostComparison,
  CostOverTime,
  FleetGpu,
  FleetNode,
  GpuActivity,
  GpuBreakdown,
  GpuBreakdownBy,
  GpuFleet,
  GpuIdleList,
  GpuUsage,
  IdleRule,
} from '@genai-portal/plugin-genai-insights-common';
import { MockFetchApi } from '@backstage/test-utils';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import type {
  CostTopAnswer,
  GenaiInsightsApi,
  GenaiInsightsScope,
  IdleCostAnswer,
} from '@genai-portal/plugin-genai-insights-react';
import { GenaiInsightsClient } from '../api';
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

/* ---- GPU utilization ---- */

const HOUR_MS = 3_600_000;
/** Times relative to when the tests load, so "2 h ago" reads the same on any day. */
// One instant for every fixture time, so `since` and `at` differ by exactly what they say
// (two Date.now() calls a millisecond apart turned "3 h 30 min ago" into "3 h 29 min ago").
const FIXTURE_NOW = Date.now();
const ago = (hours: number) =>
  new Date(FIXTURE_NOW - hours * HOUR_MS).toISOString();

export const MARCO = 'user:default/marco.rossi';

export const idleRule: IdleRule = {
  thresholdPercent: 5,
  windowMinutes: 30,
  inferenceNeedsNoRequests: true,
  notify: true,
};

const held = (
  over: Partial<FleetGpu['holder']> & { pod: string },
): FleetGpu['holder'] => ({
  visible: true,
  namespace: 'ml-research-llama',
  kind: 'job',
  team: ML,
  environment: 'ml-research-llama',
  owner: MARCO,
  ...over,
});

const vram = { usedVramMb: 150_000, totalVramMb: 294_912 };

/**
 * Three nodes, 24 GPUs: on mi355x-node-0 a job of ml-research busy on 4, an inference server of
 * ml-research idle on 2, 2 free; mi355x-node-1 all held by a team the caller may not see; on
 * mi300x-node-0 one partitioned GPU of genai-apps and 7 free.
 */
export const fleetNodes: FleetNode[] = [
  {
    name: 'mi355x-node-0',
    pool: 'mi355x',
    gpuModel: 'AMD Instinct MI355X',
    capacity: 8,
    allocated: 6,
    gpus: [
      ...[85, 90, 70, 95].map((activity, id) => ({
        id,
        activity,
        memoryActivity: 40,
        powerWatts: 1100,
        ...vram,
        holder: held({ pod: 'job-ft-7-0', jobId: 'job-ft-7' }),
      })),
      ...[4, 5].map(id => ({
        id,
        activity: id === 4 ? 2 : 1,
        memoryActivity: 0,
        powerWatts: 180,
        ...vram,
        holder: held({
          pod: 'llama-infer-0',
          kind: 'inference',
          model: 'llama-3.3-70b',
        }),
        idle: true,
      })),
      { id: 6, activity: 0, powerWatts: 120, totalVramMb: 294_912 },
      { id: 7, activity: 0, powerWatts: 120, totalVramMb: 294_912 },
    ],
  },
  {
    name: 'mi355x-node-1',
    pool: 'mi355x',
    gpuModel: 'AMD Instinct MI355X',
    capacity: 8,
    allocated: 8,
    gpus: Array.from({ length: 8 }, (_, id) => ({
      id,
      activity: 60,
      powerWatts: 900,
      ...vram,
      holder: { visible: false, namespace: '', pod: '', kind: 'job' as const },
    })),
  },
  {
    name: 'mi300x-node-0',
    pool: 'mi300x',
    gpuModel: 'AMD Instinct MI300X',
    capacity: 8,
    allocated: 1,
    gpus: Array.from({ length: 8 }, (_, id) =>
      id === 0
        ? {
            id,
            activity: 40,
            powerWatts: 450,
            usedVramMb: 20_000,
            totalVramMb: 196_608,
            partitioning: {
              computeMode: 'cpx',
              memoryMode: 'nps4',
              partitions: 8,
            },
            holder: held({
              namespace: 'genai-apps-chat',
              pod: 'qwen-infer-0',
              kind: 'inference',
              team: APPS,
              environment: 'genai-apps-chat',
              owner: 'user:default/ana.silva',
              model: 'qwen2.5-7b',
            }),
          }
        : { id, activity: 0, powerWatts: 100, totalVramMb: 196_608 },
    ),
  },
];

export const fleet: GpuFleet = {
  at: ago(0),
  currency: 'USD',
  prometheus: { available: true },
  idleRule,
  pools: [
    {
      pool: 'mi300x',
      gpuModel: 'AMD Instinct MI300X',
      nodes: 1,
      capacity: 8,
      allocated: 1,
      free: 7,
      active: 1,
      idle: 0,
      pendingGpus: 0,
      gpuHourMicros: 2_000_000,
    },
    {
      pool: 'mi355x',
      gpuModel: 'AMD Instinct MI355X',
      nodes: 2,
      capacity: 16,
      allocated: 14,
      free: 2,
      active: 12,
      idle: 2,
      pendingGpus: 8,
      gpuHourMicros: 3_500_000,
    },
  ],
  nodes: fleetNodes,
  pending: [
    {
      visible: true,
      namespace: 'ml-research-llama',
      name: 'job-pretrain-3-0',
      source: 'pod',
      team: ML,
      pool: 'mi355x',
      gpus: 8,
      since: ago(1.5),
      reason: '0/3 nodes are available: 3 Insufficient amd.com/gpu.',
    },
  ],
};

/** The same fleet with Prometheus down: allocation only, no activity. */
export const fleetWithoutPrometheus: GpuFleet = {
  ...fleet,
  prometheus: { available: false, reason: 'Prometheus timed out' },
  pools: fleet.pools.map(p => ({ ...p, active: undefined, idle: 0 })),
  nodes: fleetNodes.map(n => ({
    ...n,
    gpus: n.gpus.map(
      ({ activity, memoryActivity, powerWatts, usedVramMb, idle: _i, ...g }) =>
        g,
    ),
  })),
};

/** The idle inference server's two GPUs: $12.34 and $10.00 so far, the first one notified. */
export const idleList: GpuIdleList = {
  at: ago(0),
  currency: 'USD',
  rule: idleRule,
  prometheus: { available: true },
  episodes: [4, 5].map(gpuId => ({
    id: `ep-${gpuId}`,
    node: 'mi355x-node-0',
    gpuId,
    pool: 'mi355x',
    namespace: 'ml-research-llama',
    pod: 'llama-infer-0',
    kind: 'inference' as const,
    team: ML,
    environment: 'ml-research-llama',
    owner: MARCO,
    model: 'llama-3.3-70b',
    since: ago(gpuId === 4 ? 3.5 : 2),
    lastSeen: ago(0),
    costMicros: gpuId === 4 ? 12_340_000 : 10_000_000,
    notifiedAt: gpuId === 4 ? ago(3) : undefined,
  })),
  totalMicros: 22_340_000,
};

export const usage: GpuUsage = {
  from: ago(24),
  to: ago(0),
  stepSeconds: 3600,
  prometheus: { available: true },
  points: [0, 1, 2].flatMap(i => [
    {
      at: ago(3 - i),
      pool: 'mi355x',
      allocatedGpuHours: 14,
      activeGpuHours: 12,
      idleGpuHours: 2,
    },
    {
      at: ago(3 - i),
      pool: 'mi300x',
      allocatedGpuHours: 1,
      activeGpuHours: 1,
      idleGpuHours: 0,
    },
  ]),
};

export function breakdown(by: GpuBreakdownBy = 'team'): GpuBreakdown {
  const rows: GpuBreakdown['rows'] =
    by === 'model'
      ? [
          {
            key: 'llama-3.3-70b',
            team: ML,
            allocatedGpuHours: 48,
            meanActivity: 3.5,
            idleGpuHours: 44,
            idleMicros: 154_000_000,
            energyKwh: 9.6,
            generationTokens: 1_200_000,
            meteredTokens: 1_150_000,
            tokensPerGpuHour: 25_000,
            tokensPerKwh: 125_000,
          },
        ]
      : [
          {
            key: ML,
            allocatedGpuHours: 336,
            meanActivity: 72.5,
            idleGpuHours: 48,
            idleMicros: 168_000_000,
            energyKwh: 310.2,
            generationTokens: 1_200_000,
            meteredTokens: 1_150_000,
            tokensPerGpuHour: 3571.4,
            tokensPerKwh: 3868.5,
          },
          {
            key: APPS,
            allocatedGpuHours: 24,
            meanActivity: 40,
            idleGpuHours: 0,
            idleMicros: 0,
            energyKwh: 10.8,
            generationTokens: null,
            meteredTokens: null,
            tokensPerGpuHour: null,
            tokensPerKwh: null,
          },
        ];
  return {
    by,
    from: ago(24),
    to: ago(0),
    currency: 'USD',
    prometheus: { available: true },
    rows,
  };
}

/** An environment's (or a team's) 2 GPUs over 3 hours: 45% busy on average, 6 GPU-hours. */
export const activity: GpuActivity = {
  from: ago(7 * 24),
  to: ago(0),
  stepSeconds: 3600,
  prometheus: { available: true },
  points: [
    { at: ago(3), gpus: 2, meanActivity: 80 },
    { at: ago(2), gpus: 2, meanActivity: 50 },
    { at: ago(1), gpus: 2, meanActivity: 5 },
  ],
  devices: [
    { node: 'mi355x-node-0', gpuId: 4, pod: 'llama-infer-0', meanActivity: 46 },
    { node: 'mi355x-node-0', gpuId: 5, pod: 'llama-infer-0', meanActivity: 44 },
  ],
  meanActivity: 45,
  allocatedGpuHours: 6,
};

/** Nothing held in the range. */
export const noActivity: GpuActivity = {
  ...activity,
  points: [],
  devices: [],
  meanActivity: null,
  allocatedGpuHours: 0,
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
    'GET /gpu/fleet': fleet as unknown as JsonBodyType,
    'GET /gpu/usage': usage as unknown as JsonBodyType,
    'GET /gpu/breakdown': url =>
      breakdown(
        (url.searchParams.get('by') ?? 'team') as GpuBreakdownBy,
      ) as unknown as JsonBodyType,
    'GET /gpu/idle': idleList as unknown as JsonBodyType,
    'GET /gpu/activity': activity as unknown as JsonBodyType,
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
    route('get', '/gpu/fleet'),
    route('get', '/gpu/usage'),
    route('get', '/gpu/breakdown'),
    route('get', '/gpu/idle'),
    route('get', '/gpu/activity'),
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
    getGpuFleet: jest.fn().mockResolvedValue(fleet),
    getGpuUsage: jest.fn().mockResolvedValue(usage),
    getGpuBreakdown: jest
      .fn()
      .mockImplementation(async q => breakdown(q.by ?? 'team')),
    getGpuIdle: jest.fn().mockResolvedValue(idleList),
    getGpuActivity: jest.fn().mockResolvedValue(activity),
    ...overrides,
  } as jest.Mocked<GenaiInsightsApi>;
}
