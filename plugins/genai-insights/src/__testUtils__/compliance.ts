import type {
  ComplianceCheckInfo,
  ComplianceCheckStatus,
  ComplianceHistory,
  ComplianceLevel,
  ComplianceScore,
  ComplianceCheckSummary,
  ComplianceScorecards,
  ComplianceWaiver,
  EnvironmentCompliance,
  EnvironmentCheckResult,
} from '@genai-portal/plugin-genai-insights-common';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import { APPS, baseUrl, MARCO, ML, type SeenRequest } from './fixtures';

/** Compliance test data and a fake of its routes: three environments, five checks. */

export const LLAMA = 'ml-research-llama';
export const MISTRAL = 'ml-research-mistral';
export const CHAT = 'genai-apps-chat';

export const checks: ComplianceCheckInfo[] = [
  {
    id: 'pod-security-restricted',
    title: 'Pod security: restricted',
    severity: 'critical',
    category: 'pod-security',
    looksAt: 'every container of every Pod',
    remediation: 'Run as non-root and drop every capability.',
  },
  {
    id: 'quota-gpu',
    title: 'GPU quota',
    severity: 'critical',
    category: 'quota',
    looksAt: "the namespace's ResourceQuota",
    remediation: 'Set a ResourceQuota on amd.com/gpu.',
  },
  {
    id: 'required-labels',
    title: 'Required labels',
    severity: 'high',
    category: 'labels',
    looksAt: 'the Namespace',
    remediation: 'Label the namespace with its team and cost center.',
  },
  {
    id: 'network-default-deny',
    title: 'Network: default deny',
    severity: 'high',
    category: 'network',
    looksAt: "the namespace's NetworkPolicies",
    remediation: 'Add a default-deny NetworkPolicy.',
  },
  {
    id: 'image-tag-pinned',
    title: 'Images pinned',
    severity: 'medium',
    category: 'images',
    looksAt: 'every container image',
    remediation: 'Pin images by digest or a version tag.',
  },
];

export const levels: ComplianceLevel[] = [
  { name: 'Bronze', checks: ['required-labels', 'quota-gpu'] },
  {
    name: 'Silver',
    checks: ['pod-security-restricted', 'network-default-deny'],
  },
  { name: 'Gold', checks: '*' },
];

const WEIGHT: Record<string, number> = {
  'pod-security-restricted': 10,
  'quota-gpu': 10,
  'required-labels': 5,
  'network-default-deny': 5,
  'image-tag-pinned': 3,
};

type Statuses = Record<string, ComplianceCheckStatus>;

function score(statuses: Statuses[]): ComplianceScore {
  const s: ComplianceScore = {
    percent: null,
    passedWeight: 0,
    applicableWeight: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    waived: 0,
    notApplicable: 0,
  };
  for (const env of statuses) {
    for (const [id, status] of Object.entries(env)) {
      if (status === 'not-applicable') {
        s.notApplicable += 1;
        continue;
      }
      s.applicableWeight += WEIGHT[id];
      if (status === 'pass' || status === 'waived') {
        s.passedWeight += WEIGHT[id];
        if (status === 'pass') s.passed += 1;
        else s.waived += 1;
      } else if (status === 'error') s.errored += 1;
      else s.failed += 1;
    }
  }
  if (s.applicableWeight > 0) {
    s.percent = (100 * s.passedWeight) / s.applicableWeight;
  }
  return s;
}

export const WAIVER_ID = '5b0c3a52-8f0e-4c55-9d1e-2f4a7c1b9e01';
export const NEW_WAIVER_ID = '9a1d2b3c-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

export const mistralWaiver: ComplianceWaiver = {
  id: WAIVER_ID,
  checkId: 'image-tag-pinned',
  environment: MISTRAL,
  team: ML,
  justification: 'The vendor image has no version tag until its next release',
  expiresAt: '2027-01-15T00:00:00.000Z',
  createdBy: MARCO,
  createdAt: '2026-12-01T09:00:00.000Z',
  state: 'active',
};

/**
 * The statuses of each environment; with `llamaWaived`, pod security in ml-research-llama is
 * waived (what a waiver granted in the tests does).
 */
function statusesOf(llamaWaived: boolean): Record<string, Statuses> {
  return {
    [CHAT]: {
      'pod-security-restricted': 'not-applicable',
      'quota-gpu': 'error',
      'required-labels': 'fail',
      'network-default-deny': 'pass',
      'image-tag-pinned': 'pass',
    },
    [LLAMA]: {
      'pod-security-restricted': llamaWaived ? 'waived' : 'fail',
      'quota-gpu': 'pass',
      'required-labels': 'pass',
      'network-default-deny': 'pass',
      'image-tag-pinned': 'fail',
    },
    [MISTRAL]: {
      'pod-security-restricted': 'pass',
      'quota-gpu': 'pass',
      'required-labels': 'pass',
      'network-default-deny': 'pass',
      'image-tag-pinned': 'waived',
    },
  };
}

const TEAM_OF: Record<string, string> = {
  [CHAT]: APPS,
  [LLAMA]: ML,
  [MISTRAL]: ML,
};

const levelOf = (llamaWaived: boolean): Record<string, string | undefined> => ({
  [CHAT]: undefined,
  [LLAMA]: llamaWaived ? 'Silver' : 'Bronze',
  [MISTRAL]: 'Gold',
});

export const EVALUATED_AT = '2026-12-05T10:00:00.000Z';

/** The scorecards of the caller's two teams (scope `teams`), or the platform's for an admin. */
export function scorecards(
  options: { llamaWaived?: boolean; scope?: 'platform' | 'teams' } = {},
): ComplianceScorecards {
  const waived = options.llamaWaived ?? false;
  const all = statusesOf(waived);
  const level = levelOf(waived);
  const environments = Object.keys(all).map(environment => ({
    environment,
    team: TEAM_OF[environment],
    costCenter: 'cc-1001',
    score: score([all[environment]]),
    ...(level[environment] ? { level: level[environment] } : {}),
    checks: Object.fromEntries(
      checks.map((check): [string, ComplianceCheckSummary] => [
        check.id,
        {
          status: all[environment][check.id],
          failureCount: failureCountOf(check.id, all[environment][check.id]),
        },
      ]),
    ),
  }));
  const team = (ref: string) => {
    const own = environments.filter(e => e.team === ref);
    const counts: Record<string, number> = {};
    for (const e of own) {
      if (e.level) counts[e.level] = (counts[e.level] ?? 0) + 1;
    }
    return {
      name: ref,
      environments: own.length,
      score: score(own.map(e => all[e.environment])),
      levels: counts,
    };
  };
  return {
    evaluatedAt: EVALUATED_AT,
    scope: options.scope ?? 'teams',
    platform: score(Object.values(all)),
    levels,
    checks,
    environments,
    teams: [team(APPS), team(ML)],
    costCenters: [],
  };
}

const FAILURES: Record<string, EnvironmentCheckResult['failures']> = {
  'pod-security-restricted': [
    {
      kind: 'Pod',
      name: 'llama-infer-0',
      fieldPath: 'spec.containers[0].securityContext.runAsNonRoot',
      message: 'is missing',
    },
    {
      kind: 'Pod',
      name: 'llama-infer-1',
      fieldPath: 'spec.containers[0].securityContext.runAsNonRoot',
      message: 'is false',
    },
  ],
  'image-tag-pinned': [
    {
      kind: 'Deployment',
      name: 'llama-ui',
      fieldPath: 'spec.template.spec.containers[0].image',
      message: "is 'latest'",
    },
  ],
  'required-labels': [
    {
      kind: 'Namespace',
      name: CHAT,
      fieldPath: 'metadata.labels.cost-center',
      message: 'is missing',
    },
  ],
};

const failingOf = (status: ComplianceCheckStatus) =>
  status === 'fail' || status === 'waived';

/** How many objects fail a check: pod security's 2 listed are 2 of 5. */
function failureCountOf(checkId: string, status: ComplianceCheckStatus) {
  if (!failingOf(status)) return 0;
  return checkId === 'pod-security-restricted'
    ? 5
    : (FAILURES[checkId] ?? []).length;
}

/** One environment's checks, as `GET /compliance/environments/{namespace}` answers them. */
export function environmentCompliance(
  environment: string,
  options: { llamaWaived?: boolean } = {},
): EnvironmentCompliance {
  const waived = options.llamaWaived ?? false;
  // The environment route has the scorecards' score and level, its checks in full.
  const { checks: _summaries, ...card } = scorecards({
    llamaWaived: waived,
  }).environments.find(e => e.environment === environment)!;
  const statuses = statusesOf(waived)[environment];
  return {
    ...card,
    evaluatedAt: EVALUATED_AT,
    checks: checks.map(check => {
      const status = statuses[check.id];
      return {
        ...check,
        checkId: check.id,
        status,
        failures: failingOf(status) ? FAILURES[check.id] ?? [] : [],
        failureCount: failureCountOf(check.id, status),
        ...(status === 'error'
          ? { error: 'ResourceQuotas could not be listed' }
          : {}),
        ...(status === 'waived'
          ? {
              waiver:
                environment === MISTRAL
                  ? {
                      id: WAIVER_ID,
                      justification: mistralWaiver.justification,
                      expiresAt: mistralWaiver.expiresAt,
                      createdBy: MARCO,
                    }
                  : {
                      id: NEW_WAIVER_ID,
                      justification: 'Root is needed until the driver update',
                      expiresAt: '2027-01-04T00:00:00.000Z',
                      createdBy: 'user:default/lead',
                    },
            }
          : {}),
      };
    }),
  };
}

const point = (day: string, percent: number | null) => ({
  day,
  score: {
    percent,
    passedWeight: 0,
    applicableWeight: 0,
    passed: 0,
    failed: 0,
    errored: 0,
    waived: 0,
    notApplicable: 0,
  },
});

export const history: ComplianceHistory = {
  from: '2026-09-07',
  to: '2026-12-05',
  interval: 'day',
  teams: [
    {
      name: APPS,
      points: [point('2026-12-03', 30), point('2026-12-04', 34.8)],
      checks: [],
    },
    {
      name: ML,
      points: [point('2026-12-03', 70), point('2026-12-04', 80.3)],
      checks: [],
    },
  ],
};

export const platformHistory: ComplianceHistory = {
  ...history,
  platform: [point('2026-12-03', 60), point('2026-12-04', 68.5)],
};

export const emptyHistory: ComplianceHistory = {
  from: '2026-09-07',
  to: '2026-12-05',
  interval: 'day',
  teams: [],
};

type Answer = JsonBodyType | ((url: URL, body: any) => JsonBodyType | Response);

/**
 * The compliance routes on the msw server, answering the fixtures (or `answers`, keyed
 * `GET /compliance/scorecards`, `GET /compliance/environments`, `GET /compliance/history`,
 * `GET /compliance/waivers`, `POST /compliance/waivers`, `DELETE /compliance/waivers`), recording
 * every request. An answer may be a function of the URL and the body returning a Response.
 */
export function serveCompliance(
  server: SetupServer,
  answers: Partial<Record<string, Answer>> = {},
): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const defaults: Record<string, Answer> = {
    'GET /compliance/scorecards': scorecards() as unknown as JsonBodyType,
    'GET /compliance/environments': url =>
      environmentCompliance(
        decodeURIComponent(url.pathname.split('/').pop()!),
      ) as unknown as JsonBodyType,
    'GET /compliance/history': history as unknown as JsonBodyType,
    'GET /compliance/waivers': { items: [mistralWaiver] } as JsonBodyType,
    'POST /compliance/waivers': (_url, body) =>
      HttpResponse.json(
        {
          ...body,
          id: NEW_WAIVER_ID,
          team: ML,
          createdBy: 'user:default/lead',
          createdAt: EVALUATED_AT,
          state: 'active',
        },
        { status: 201 },
      ),
    'DELETE /compliance/waivers': () => new HttpResponse(null, { status: 204 }),
  };
  const route = (
    method: 'get' | 'post' | 'delete',
    path: string,
    key: string,
  ) =>
    http[method](`${baseUrl}${path}`, async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.text();
      const body = text ? JSON.parse(text) : undefined;
      seen.push({
        method: request.method,
        url,
        auth: request.headers.get('authorization'),
        body,
      });
      const answer = key in answers ? answers[key] : defaults[key];
      const result =
        typeof answer === 'function'
          ? (answer as (u: URL, b: unknown) => unknown)(url, body)
          : answer;
      return result instanceof Response
        ? result
        : HttpResponse.json(result as JsonBodyType);
    });
  server.use(
    route('get', '/compliance/scorecards', 'GET /compliance/scorecards'),
    route(
      'get',
      '/compliance/environments/:namespace',
      'GET /compliance/environments',
    ),
    route('get', '/compliance/history', 'GET /compliance/history'),
    route('get', '/compliance/waivers', 'GET /compliance/waivers'),
    route('post', '/compliance/waivers', 'POST /compliance/waivers'),
    route('delete', '/compliance/waivers/:id', 'DELETE /compliance/waivers'),
  );
  return seen;
}
