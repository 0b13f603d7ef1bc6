import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import {
  freePort,
  postgresProblem,
  repoRoot,
  signIn,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import { ROLES, renderMatrix, type Role } from './matrix';

/**
 * Who gets in where, tried as an attacker would: every route of this repo's plugins and the
 * Kubernetes, catalog and scaffolder routes the app uses, called by each role against the real
 * backend process (production config, the real permission policy, oauth-proxy sign-in, PostgreSQL,
 * Redis) on kube-sim and llm-sim. Each cell is the status the role gets; list cells also say
 * whether the owning team's environment or job is in the answer ("sees" / "hidden"), Kubernetes
 * cells whether any object came back ("objects" / "nothing"). For the cost routes
 * (genai-insights), "sees" / "hidden" is whether the owning team's budget (set by the admin
 * first) is in the budgets, or the team in the caller's scope; the ledger may be empty, so the
 * other cost routes show the status only: a 403 where the caller names a team it may not read.
 * For the compliance history (today's snapshot is taken first), "sees" / "hidden" is whether the
 * answer holds a day of the owning team's series.
 *
 * The owning team is ml-research: lena.fischer is a member, marco.rossi its lead (and member),
 * kenji.sato a member of genai-apps, priya.raman of platform-team (the admins). The scraper is
 * Prometheus' static token. The table is the one in the permission module's README.
 */
jest.setTimeout(600_000);

const README = resolve(
  repoRoot,
  'plugins/permission-backend-module-genai-playground/README.md',
);

/** A location a user registers: it tries to bring a Group, a User and a Resource pointing the
 * Kubernetes tab at kube-system. */
const EVIL_LOCATION = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: planted-team
spec:
  type: team
  children: []
  members: [kenji.sato]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: planted-user
spec:
  memberOf: [platform-team]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: planted-kube-system
  annotations:
    backstage.io/kubernetes-namespace: kube-system
    backstage.io/kubernetes-label-selector: ''
spec:
  type: playground-environment
  owner: group:default/genai-apps
`;

const P = '/api/genai-playground';
const I = '/api/genai-insights';
const ML = 'group:default/ml-research';
/** The last week to tomorrow: what the cost routes are asked about. */
const DAY = 86_400_000;
const COST_RANGE = `from=${new Date(Date.now() - 7 * DAY)
  .toISOString()
  .slice(0, 10)}&to=${new Date(Date.now() + DAY).toISOString().slice(0, 10)}`;
/**
 * An operator's static token for genai-insights (as an operator would configure one): the
 * scheduler's task API refuses users (schedulerApiGuard), so the test runs the snapshot with it.
 */
const OPERATOR_TOKEN = 'permission-matrix-operator-0123456789';

/** The insights task keeping today's compliance snapshot (HISTORY_TASK_ID of the backend). */
const HISTORY_TASK = 'genai-insights-compliance-history';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const USERS = {
  member: 'lena.fischer',
  otherTeam: 'kenji.sato',
  lead: 'marco.rossi',
  admin: 'priya.raman',
} as const;

type Expected = Record<Role, string>;
/** A cell value for each role, in ROLES order. */
const row = (...cells: (string | number)[]): Expected =>
  Object.fromEntries(ROLES.map((r, i) => [r, String(cells[i])])) as Expected;

/** What each role must get (anonymous, member, other team, lead, admin, scraper). */
const EXPECTED: Array<[string, Expected]> = [
  [`GET ${P}/health`, row(200, 200, 200, 200, 200, 200)],
  [`GET ${P}/settings`, row(401, 200, 200, 200, 200, 403)],
  [
    `GET ${P}/environments`,
    row(401, '200 sees', '200 hidden', '200 sees', '200 sees', 403),
  ],
  [`GET ${P}/environments/:id`, row(401, 200, 403, 200, 200, 403)],
  [`GET ${P}/environments/:id/history`, row(401, 200, 403, 200, 200, 403)],
  [`POST ${P}/environments`, row(401, 201, 403, 201, 201, 403)],
  [`POST ${P}/environments/:id/extend`, row(401, 200, 403, 200, 200, 403)],
  [`DELETE ${P}/environments/:id`, row(401, 200, 403, 200, 200, 403)],
  [`GET ${P}/quota/teams`, row(401, 200, 200, 200, 200, 403)],
  [`GET ${P}/quota/pools`, row(401, 200, 200, 200, 200, 403)],
  [`POST ${P}/environments/:id/keys`, row(401, 201, 403, 201, 201, 403)],
  [`GET ${P}/environments/:id/keys`, row(401, 200, 403, 200, 200, 403)],
  [
    `DELETE ${P}/environments/:id/keys/:keyId`,
    row(401, 200, 403, 200, 200, 403),
  ],
  [
    `POST ${P}/environments/:id/inference-services`,
    row(401, 201, 403, 201, 201, 403),
  ],
  [`GET ${P}/usage?team=ml-research`, row(401, 200, 403, 200, 200, 403)],
  [`POST ${P}/jobs`, row(401, 201, 403, 201, 201, 403)],
  [
    `GET ${P}/jobs`,
    row(401, '200 sees', '200 hidden', '200 sees', '200 sees', 403),
  ],
  [`GET ${P}/jobs/:jobId`, row(401, 200, 403, 200, 200, 403)],
  [`POST ${P}/jobs/:jobId/cancel`, row(401, 200, 403, 200, 200, 403)],
  [`GET ${P}/metrics`, row(401, 403, 403, 403, 200, 200)],
  [`GET ${P}/facts`, row(401, 403, 403, 403, 200, 403)],
  [`GET ${P}/v1/models`, row(401, 200, 200, 200, 200, 401)],
  [
    `POST ${P}/v1/chat/completions (x-genai-environment)`,
    row(401, 200, 403, 200, 200, 401),
  ],
  [`GET /api/kubernetes/clusters`, row(401, 200, 200, 200, 200, 403)],
  [
    `POST /api/kubernetes/resources/workloads/query`,
    row(401, '200 objects', '200 nothing', '200 objects', '200 objects', 403),
  ],
  [
    `POST /api/kubernetes/services/:serviceId`,
    row(401, '200 objects', '200 nothing', '200 objects', '200 objects', 403),
  ],
  [
    `GET /api/kubernetes/proxy/api/v1/namespaces`,
    row(401, 403, 403, 403, 200, 403),
  ],
  [
    `POST /api/kubernetes/proxy/api/v1/namespaces/kube-system/configmaps`,
    row(401, 403, 403, 403, 201, 403),
  ],
  [`GET /api/catalog/entities`, row(401, 200, 200, 200, 200, 403)],
  [`POST /api/catalog/locations`, row(401, 201, 201, 201, 201, 403)],
  [`DELETE /api/catalog/locations/:id`, row(401, 403, 403, 403, 204, 403)],
  [
    `DELETE /api/catalog/entities/by-uid/:uid (an environment)`,
    row(401, 403, 403, 403, 204, 403),
  ],
  [`GET /api/scaffolder/v2/tasks/:taskId`, row(401, 200, 403, 403, 200, 403)],
  [`GET ${I}/health`, row(200, 200, 200, 200, 200, 200)],
  [
    `GET ${I}/scope`,
    row(401, '200 sees', '200 hidden', '200 sees', '200 sees', 403),
  ],
  ...[
    '/cost',
    '/cost/compare',
    '/cost/top',
    '/cost/idle',
    '/cost/savings',
    '/export/csv',
    '/export/focus',
  ].flatMap(
    (path): Array<[string, Expected]> => [
      [`GET ${I}${path}`, row(401, 200, 200, 200, 200, 403)],
      [`GET ${I}${path}?teams=${ML}`, row(401, 200, 403, 200, 200, 403)],
    ],
  ),
  ...[
    '/gpu/fleet',
    '/gpu/idle',
    '/gpu/usage',
    '/gpu/breakdown',
    '/gpu/activity',
  ].flatMap(
    (path): Array<[string, Expected]> => [
      [`GET ${I}${path}`, row(401, 200, 200, 200, 200, 403)],
      [`GET ${I}${path}?teams=${ML}`, row(401, 200, 403, 200, 200, 403)],
    ],
  ),
  [`GET ${I}/gpu/activity?environment=:id`, row(401, 200, 403, 200, 200, 403)],
  [`GET ${I}/gpu/activity?job=:jobId`, row(401, 200, 403, 200, 200, 403)],
  [`GET ${I}/compliance/scorecards`, row(401, 200, 200, 200, 200, 403)],
  [
    `GET ${I}/compliance/scorecards?teams=${ML}`,
    row(401, 200, 403, 200, 200, 403),
  ],
  [
    `GET ${I}/compliance/environments/:namespace`,
    row(401, 200, 403, 200, 200, 403),
  ],
  [
    `GET ${I}/compliance/history`,
    row(401, '200 sees', '200 hidden', '200 sees', '200 sees', 403),
  ],
  [
    `GET ${I}/compliance/history?teams=${ML}`,
    row(401, '200 sees', 403, '200 sees', '200 sees', 403),
  ],
  [
    `GET ${I}/compliance/history?environment=:namespace`,
    row(401, 200, 403, 200, 200, 403),
  ],
  // No snapshot holds it: a 404 for whoever reads compliance at all, after the policy.
  [
    `GET ${I}/compliance/history?environment=ml-nowhere`,
    row(401, 404, 404, 404, 404, 403),
  ],
  [
    `GET ${I}/compliance/waivers`,
    row(401, '200 sees', '200 hidden', '200 sees', '200 sees', 403),
  ],
  [
    `GET ${I}/compliance/waivers?teams=${ML}`,
    row(401, '200 sees', 403, '200 sees', '200 sees', 403),
  ],
  [
    `POST ${I}/compliance/waivers (ml-research)`,
    row(401, 403, 403, 201, 201, 403),
  ],
  [
    `POST ${I}/compliance/waivers (genai-apps)`,
    row(401, 403, 403, 403, 201, 403),
  ],
  [`DELETE ${I}/compliance/waivers/:id`, row(401, 403, 403, 200, 200, 403)],
  // Backstage opens the scheduler's task API to every signed-in user; the portal refuses users
  // (schedulerApiGuard) and Prometheus' token is for the metrics alone.
  [
    `POST ${I}/.backstage/scheduler/v1/tasks/:task/trigger`,
    row(401, 403, 403, 403, 403, 403),
  ],
  [`GET ${I}/.backstage/scheduler/v1/tasks`, row(401, 403, 403, 403, 403, 403)],
  [
    `GET ${I}/budgets`,
    row(401, '200 sees', '200 hidden', '200 sees', '200 sees', 403),
  ],
  [
    `GET ${I}/budgets?teams=${ML}`,
    row(401, '200 sees', 403, '200 sees', '200 sees', 403),
  ],
  [`PUT ${I}/budgets (ml-research)`, row(401, 403, 403, 200, 200, 403)],
  [`PUT ${I}/budgets (genai-apps)`, row(401, 403, 403, 403, 200, 403)],
  [`PUT ${I}/budgets (a cost center)`, row(401, 403, 403, 403, 200, 403)],
];

describe('the permission matrix', () => {
  const KUBE_TOKEN = 'permission-matrix-token';
  let kube: Awaited<ReturnType<typeof startSim>>;
  let llm: Awaited<ReturnType<typeof startSim>>;
  let evil: Server;
  let backend: ProductionBackend;
  const tokens: Partial<Record<Role, string>> = {};
  let skipped: string | undefined;

  /** Headers of a role. */
  const as = (role: Role): Record<string, string> => {
    if (role === 'anonymous') return {};
    if (role === 'scraper') {
      return { authorization: `Bearer ${backend.scrapeToken}` };
    }
    return { authorization: `Bearer ${tokens[role]}` };
  };

  /** The last answer, to explain a cell that is not as expected. */
  let lastAnswer = '';

  /** A call as a role; JSON bodies are sent as JSON. */
  const call = async (
    role: Role,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${backend.baseUrl}${path}`, {
      method,
      headers: {
        ...as(role),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    lastAnswer = `${res.status} ${text.slice(0, 300)}`;
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };

  /** A call that must succeed (fixtures). */
  const must = async (
    role: Role,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await call(role, method, path, body);
    if (res.status >= 300) {
      throw new Error(
        `${method} ${path} as ${role}: ${res.status} ${res.text}`,
      );
    }
    return res.json;
  };

  let seq = 0;
  const unique = (prefix: string) => `${prefix}-${++seq}`;

  const environmentRequest = (name: string, overrides: object = {}) => ({
    name,
    team: 'ml-research',
    gpuPool: 'mi300x',
    gpus: 0,
    cpu: 4,
    memoryGi: 16,
    storageGi: 0,
    ttlHours: 24,
    costCenter: 'CC-2100',
    dataClassification: 'internal',
    securityLevel: 'medium',
    ...overrides,
  });

  const createEnvironment = async (overrides: object = {}) => {
    const env = await must(
      'member',
      'POST',
      `${P}/environments`,
      environmentRequest(unique('pm'), overrides),
    );
    return env.id as string;
  };

  const submitJob = async (environment: string) =>
    (
      await must('member', 'POST', `${P}/jobs`, {
        environment,
        image: 'image-registry.openshift-image-registry.svc:5000/ml/trainer:1',
        gpus: 1,
        cpu: 1,
        memoryGi: 1,
      })
    ).id as string;

  const waitFor = async <T>(
    what: string,
    probe: () => Promise<T | undefined>,
  ): Promise<T> => {
    for (let i = 0; i < 120; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  // Fixtures of the owning team (ml-research).
  let envId: string;
  let inferenceEnvId: string;
  let jobId: string;
  let taskId: string;
  let sharedKey: { id: string };
  let entity: any;
  const ML_BUDGET = { scope: 'team', subject: ML, monthlyAmount: 5000 };
  /** The owning team's waiver, granted by the admin: what refused callers are tried on. */
  let mlWaiver: { id: string };
  /** Checks of the built-in module, one per waiver an allowed caller grants. */
  const WAIVABLE = [
    'quota-gpu',
    'limit-range',
    'network-default-deny',
    'network-egress-limited',
    'deployment-probes',
    'pdb-for-replicas',
    'resources-requests-limits',
    'cost-annotations',
    'lease-not-expired',
    'image-registry-and-tag',
  ];
  const freshCheck = () => {
    const check = WAIVABLE.shift();
    if (!check) throw new Error('no check left to waive');
    return check;
  };
  const waiverRequest = (checkId: string, place: object) => ({
    checkId,
    justification: 'accepted until the platform release in January',
    expiresAt: new Date(Date.now() + 30 * DAY).toISOString(),
    ...place,
  });

  beforeAll(async () => {
    skipped = await postgresProblem();
    if (skipped) {
      if (process.env.CI) throw new Error(skipped);
      return;
    }
    kube = await startSim('kube-sim', [
      '--port=0',
      `--token=${KUBE_TOKEN}`,
      '--tick-ms=50',
      '--time-scale=20',
    ]);
    llm = await startSim('llm-sim', [
      '--port=0',
      `--model=${MODEL}`,
      '--ttft-ms=1',
      '--tpot-ms=1',
    ]);
    // A location a user registers: it tries to bring a Group, a User and a Resource pointing the
    // Kubernetes tab at kube-system.
    evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/yaml');
      res.end(EVIL_LOCATION);
    });
    await new Promise<void>(r => evil.listen(0, '127.0.0.1', r));
    const evilPort = (evil.address() as { port: number }).port;
    backend = await startProductionBackend({
      cluster: { url: kube.url, token: KUBE_TOKEN },
      config: {
        backend: {
          reading: { allow: [{ host: `127.0.0.1:${evilPort}` }] },
          // A later config's list replaces the production one: Prometheus' token as there, and an
          // operator's for genai-insights.
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: {
                  token: '${METRICS_SCRAPE_TOKEN}',
                  subject: 'prometheus',
                },
                accessRestrictions: [
                  {
                    plugin: 'genai-playground',
                    permission: ['genai-playground.metrics.read'],
                  },
                ],
              },
              {
                type: 'static',
                options: { token: OPERATOR_TOKEN, subject: 'operator' },
                accessRestrictions: [{ plugin: 'genai-insights' }],
              },
            ],
          },
        },
        // No Prometheus: the fleet lays each node's pods out on its GPUs in order, so the job's
        // pod holds one. (The dev config's Prometheus, when one runs, scrapes another kube-sim.)
        genaiInsights: {
          prometheus: { baseUrl: `http://127.0.0.1:${await freePort()}` },
        },
        genaiPlayground: {
          jobs: { allowedPools: ['mi300x'], watch: { resyncSeconds: 1 } },
          inference: {
            models: [
              {
                name: MODEL,
                upstreams: [llm.url],
                gpuPool: 'mi355x',
                pricePer1MInput: 0.2,
                pricePer1MOutput: 0.6,
                contextLength: 8192,
              },
            ],
          },
        },
      },
    });
    // Users can sign in once the catalog has read the org file.
    const { baseUrl } = backend;
    for (const [role, user] of Object.entries(USERS)) {
      tokens[role as Role] = await waitFor(`${user} to sign in`, () =>
        signIn(baseUrl, user).catch(() => undefined),
      );
    }

    envId = await createEnvironment({ gpus: 12, cpu: 48, memoryGi: 256 });
    // Model servers cache their weights on a volume: the environment needs storage.
    inferenceEnvId = await createEnvironment({
      gpuPool: 'mi355x',
      gpus: 4,
      cpu: 32,
      memoryGi: 256,
      storageGi: 2000,
    });
    jobId = await submitJob(envId);
    // GPU utilization learns whose a pod is when it sees it holding GPUs: the admin's fleet view
    // records the job's pod, so `/gpu/activity?job=` and `?environment=` know their team.
    await waitFor("the job's pod on the GPU fleet", async () => {
      const fleet = await must('admin', 'GET', `${I}/gpu/fleet`);
      return fleet.nodes.some((n: any) =>
        n.gpus.some((g: any) => g.holder?.jobId === jobId),
      )
        ? true
        : undefined;
    });
    sharedKey = await must(
      'member',
      'POST',
      `${P}/environments/${envId}/keys`,
      {
        name: 'shared',
      },
    );
    entity = await waitFor('the environment in the catalog', async () => {
      const res = await call(
        'admin',
        'GET',
        `/api/catalog/entities/by-name/resource/default/${envId}`,
      );
      return res.status === 200 ? res.json : undefined;
    });
    const task = await must('member', 'POST', '/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/blueprint-job',
      values: {
        environment: envId,
        image: 'image-registry.openshift-image-registry.svc:5000/ml/eval:1',
        gpus: 1,
        maxRuntimeHours: 1,
      },
    });
    taskId = task.id;
    // Something of the owning team's to see in the cost routes: its budget, set by the admin.
    await must('admin', 'PUT', `${I}/budgets`, ML_BUDGET);
    // And a waiver of its environment, once the compliance evaluation (cached a minute) has it.
    mlWaiver = await waitFor(
      'the environment evaluated for compliance',
      async () => {
        const res = await call(
          'admin',
          'POST',
          `${I}/compliance/waivers`,
          waiverRequest('required-labels', { environment: envId }),
        );
        if (res.status === 404) return undefined;
        if (res.status !== 201) {
          throw new Error(`waiving as admin: ${res.status} ${res.text}`);
        }
        return res.json;
      },
    );
    // And today's compliance snapshot holding it: the hourly task, run now with the operator's
    // token (a run already going is a 409; it is asked again until the history has the
    // environment).
    let tries = 0;
    await waitFor('the environment in the compliance history', async () => {
      const res = await call(
        'admin',
        'GET',
        `${I}/compliance/history?environment=${envId}`,
      );
      if (res.status === 200) return true;
      if (res.status !== 404) {
        throw new Error(
          `reading the history as admin: ${res.status} ${res.text}`,
        );
      }
      if (tries++ % 10 === 0) {
        const run = await call(
          'anonymous',
          'POST',
          `${I}/.backstage/scheduler/v1/tasks/${HISTORY_TASK}/trigger`,
          undefined,
          { authorization: `Bearer ${OPERATOR_TOKEN}` },
        );
        if (run.status !== 200 && run.status !== 409) {
          throw new Error(`running the snapshot: ${run.status} ${run.text}`);
        }
      }
      return undefined;
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await kube?.stop();
    await llm?.stop();
    evil?.close();
  });

  /**
   * How each row is called. A write a role is expected to be allowed gets a target of its own
   * (`fresh`); one it is expected to be refused is tried on the team's shared one, which a wrong
   * success would change (and the cell would show it).
   */
  const CALLS: Record<string, (role: Role, fresh: boolean) => Promise<string>> =
    {
      [`GET ${P}/health`]: async r =>
        status(await call(r, 'GET', `${P}/health`)),
      [`GET ${P}/settings`]: async r =>
        status(await call(r, 'GET', `${P}/settings`)),
      [`GET ${P}/environments`]: async r =>
        listed(await call(r, 'GET', `${P}/environments`), envId),
      [`GET ${P}/environments/:id`]: async r =>
        status(await call(r, 'GET', `${P}/environments/${envId}`)),
      [`GET ${P}/environments/:id/history`]: async r =>
        status(await call(r, 'GET', `${P}/environments/${envId}/history`)),
      [`POST ${P}/environments`]: async r =>
        status(
          await call(
            r,
            'POST',
            `${P}/environments`,
            environmentRequest(unique('c')),
          ),
        ),
      [`POST ${P}/environments/:id/extend`]: async r =>
        status(
          await call(r, 'POST', `${P}/environments/${envId}/extend`, {
            ttlHours: 24,
          }),
        ),
      [`DELETE ${P}/environments/:id`]: async (r, fresh) =>
        status(
          await call(
            r,
            'DELETE',
            `${P}/environments/${fresh ? await createEnvironment() : envId}`,
          ),
        ),
      [`GET ${P}/quota/teams`]: async r =>
        status(await call(r, 'GET', `${P}/quota/teams`)),
      [`GET ${P}/quota/pools`]: async r =>
        status(await call(r, 'GET', `${P}/quota/pools`)),
      [`POST ${P}/environments/:id/keys`]: async r =>
        status(
          await call(r, 'POST', `${P}/environments/${envId}/keys`, {
            name: unique('key'),
          }),
        ),
      [`GET ${P}/environments/:id/keys`]: async r =>
        status(await call(r, 'GET', `${P}/environments/${envId}/keys`)),
      [`DELETE ${P}/environments/:id/keys/:keyId`]: async (r, fresh) => {
        const key = fresh
          ? await must('member', 'POST', `${P}/environments/${envId}/keys`, {
              name: unique('revoke'),
            })
          : sharedKey;
        return status(
          await call(r, 'DELETE', `${P}/environments/${envId}/keys/${key.id}`),
        );
      },
      [`POST ${P}/environments/:id/inference-services`]: async r =>
        status(
          await call(
            r,
            'POST',
            `${P}/environments/${inferenceEnvId}/inference-services`,
            {
              name: unique('llama'),
              model: MODEL,
            },
          ),
        ),
      [`GET ${P}/usage?team=ml-research`]: async r =>
        status(await call(r, 'GET', `${P}/usage?team=ml-research`)),
      [`POST ${P}/jobs`]: async r =>
        status(
          await call(r, 'POST', `${P}/jobs`, {
            environment: envId,
            image:
              'image-registry.openshift-image-registry.svc:5000/ml/trainer:1',
            gpus: 1,
            cpu: 1,
            memoryGi: 1,
          }),
        ),
      [`GET ${P}/jobs`]: async r =>
        listed(await call(r, 'GET', `${P}/jobs`), jobId),
      [`GET ${P}/jobs/:jobId`]: async r =>
        status(await call(r, 'GET', `${P}/jobs/${jobId}`)),
      [`POST ${P}/jobs/:jobId/cancel`]: async (r, fresh) =>
        status(
          await call(
            r,
            'POST',
            `${P}/jobs/${fresh ? await submitJob(envId) : jobId}/cancel`,
            {},
          ),
        ),
      [`GET ${P}/metrics`]: async r =>
        status(await call(r, 'GET', `${P}/metrics`)),
      [`GET ${P}/facts`]: async r =>
        status(await call(r, 'GET', `${P}/facts?limit=10`)),
      [`GET ${P}/v1/models`]: async r =>
        status(await call(r, 'GET', `${P}/v1/models`)),
      [`POST ${P}/v1/chat/completions (x-genai-environment)`]: async r =>
        status(
          await call(
            r,
            'POST',
            `${P}/v1/chat/completions`,
            {
              model: MODEL,
              messages: [{ role: 'user', content: 'hi' }],
              max_tokens: 4,
            },
            { 'x-genai-environment': envId },
          ),
        ),
      [`GET /api/kubernetes/clusters`]: async r =>
        status(await call(r, 'GET', '/api/kubernetes/clusters')),
      [`POST /api/kubernetes/resources/workloads/query`]: async r =>
        objects(
          await call(r, 'POST', '/api/kubernetes/resources/workloads/query', {
            entityRef: `resource:default/${envId}`,
            auth: {},
          }),
        ),
      [`POST /api/kubernetes/services/:serviceId`]: async r =>
        objects(
          await call(r, 'POST', `/api/kubernetes/services/${envId}`, {
            entity,
            auth: {},
          }),
        ),
      [`GET /api/kubernetes/proxy/api/v1/namespaces`]: async r =>
        status(
          await call(
            r,
            'GET',
            '/api/kubernetes/proxy/api/v1/namespaces',
            undefined,
            {
              'backstage-kubernetes-cluster': 'kube-sim',
            },
          ),
        ),
      [`POST /api/kubernetes/proxy/api/v1/namespaces/kube-system/configmaps`]:
        async r =>
          status(
            await call(
              r,
              'POST',
              '/api/kubernetes/proxy/api/v1/namespaces/kube-system/configmaps',
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: unique('planted') },
                data: { owned: 'yes' },
              },
              { 'backstage-kubernetes-cluster': 'kube-sim' },
            ),
          ),
      [`GET /api/catalog/entities`]: async r =>
        status(await call(r, 'GET', '/api/catalog/entities?limit=1')),
      [`POST /api/catalog/locations`]: async r =>
        status(
          await call(r, 'POST', '/api/catalog/locations', {
            type: 'url',
            target: `http://127.0.0.1:${
              (evil.address() as { port: number }).port
            }/${unique('team')}.yaml`,
          }),
        ),
      [`DELETE /api/catalog/locations/:id`]: async r => {
        const location = await must('admin', 'POST', '/api/catalog/locations', {
          type: 'url',
          target: `http://127.0.0.1:${
            (evil.address() as { port: number }).port
          }/${unique('doomed')}.yaml`,
        });
        return status(
          await call(
            r,
            'DELETE',
            `/api/catalog/locations/${location.location.id}`,
          ),
        );
      },
      [`DELETE /api/catalog/entities/by-uid/:uid (an environment)`]: async (
        r,
        fresh,
      ) => {
        const id = fresh ? await createEnvironment() : envId;
        const doomed = await waitFor(
          'the environment in the catalog',
          async () => {
            const res = await call(
              'admin',
              'GET',
              `/api/catalog/entities/by-name/resource/default/${id}`,
            );
            return res.status === 200 ? res.json : undefined;
          },
        );
        return status(
          await call(
            r,
            'DELETE',
            `/api/catalog/entities/by-uid/${doomed.metadata.uid}`,
          ),
        );
      },
      [`GET /api/scaffolder/v2/tasks/:taskId`]: async r =>
        status(await call(r, 'GET', `/api/scaffolder/v2/tasks/${taskId}`)),
      [`GET ${I}/health`]: async r =>
        status(await call(r, 'GET', `${I}/health`)),
      [`GET ${I}/scope`]: async r => {
        const res = await call(r, 'GET', `${I}/scope`);
        if (res.status !== 200) return status(res);
        return `200 ${res.json?.teams?.includes(ML) ? 'sees' : 'hidden'}`;
      },
      ...Object.fromEntries(
        [
          '/cost',
          '/cost/compare',
          '/cost/top',
          '/cost/idle',
          '/cost/savings',
          '/export/csv',
          '/export/focus',
        ].flatMap(path => [
          [
            `GET ${I}${path}`,
            async (r: Role) =>
              status(await call(r, 'GET', `${I}${path}?${COST_RANGE}`)),
          ],
          [
            `GET ${I}${path}?teams=${ML}`,
            async (r: Role) =>
              status(
                await call(r, 'GET', `${I}${path}?${COST_RANGE}&teams=${ML}`),
              ),
          ],
        ]),
      ),
      ...Object.fromEntries(
        [
          '/gpu/fleet',
          '/gpu/idle',
          '/gpu/usage',
          '/gpu/breakdown',
          '/gpu/activity',
        ].flatMap(path => {
          // The fleet and the idle list are now; the others cover the last week.
          const range = /fleet|idle/.test(path) ? '' : `${COST_RANGE}&`;
          return [
            [
              `GET ${I}${path}`,
              async (r: Role) =>
                status(await call(r, 'GET', `${I}${path}?${range}`)),
            ],
            [
              `GET ${I}${path}?teams=${ML}`,
              async (r: Role) =>
                status(await call(r, 'GET', `${I}${path}?${range}teams=${ML}`)),
            ],
          ];
        }),
      ),
      [`GET ${I}/compliance/scorecards`]: async r =>
        status(await call(r, 'GET', `${I}/compliance/scorecards`)),
      [`GET ${I}/compliance/scorecards?teams=${ML}`]: async r =>
        status(await call(r, 'GET', `${I}/compliance/scorecards?teams=${ML}`)),
      // The owning team's environment, as the cluster holds it.
      [`GET ${I}/compliance/environments/:namespace`]: async r =>
        status(await call(r, 'GET', `${I}/compliance/environments/${envId}`)),
      [`POST ${I}/.backstage/scheduler/v1/tasks/:task/trigger`]: async r =>
        status(
          await call(
            r,
            'POST',
            `${I}/.backstage/scheduler/v1/tasks/genai-insights-collector/trigger`,
          ),
        ),
      [`GET ${I}/.backstage/scheduler/v1/tasks`]: async r =>
        status(await call(r, 'GET', `${I}/.backstage/scheduler/v1/tasks`)),
      [`GET ${I}/compliance/history`]: async r =>
        historyHolds(await call(r, 'GET', `${I}/compliance/history`)),
      [`GET ${I}/compliance/history?teams=${ML}`]: async r =>
        historyHolds(
          await call(r, 'GET', `${I}/compliance/history?teams=${ML}`),
        ),
      // The owning team's environment, in today's snapshot (taken in beforeAll).
      [`GET ${I}/compliance/history?environment=:namespace`]: async r =>
        status(
          await call(r, 'GET', `${I}/compliance/history?environment=${envId}`),
        ),
      [`GET ${I}/compliance/history?environment=ml-nowhere`]: async r =>
        status(
          await call(
            r,
            'GET',
            `${I}/compliance/history?environment=ml-nowhere`,
          ),
        ),
      [`GET ${I}/compliance/waivers`]: async r =>
        waiverListed(await call(r, 'GET', `${I}/compliance/waivers`), mlWaiver),
      [`GET ${I}/compliance/waivers?teams=${ML}`]: async r =>
        waiverListed(
          await call(r, 'GET', `${I}/compliance/waivers?teams=${ML}`),
          mlWaiver,
        ),
      // Allowed callers waive a check of their own; a refused one is tried on the waived one,
      // where a wrong pass of the policy would be a 409, not a 403.
      [`POST ${I}/compliance/waivers (ml-research)`]: async (r, fresh) =>
        status(
          await call(
            r,
            'POST',
            `${I}/compliance/waivers`,
            waiverRequest(fresh ? freshCheck() : 'required-labels', {
              environment: envId,
            }),
          ),
        ),
      [`POST ${I}/compliance/waivers (genai-apps)`]: async (r, fresh) =>
        status(
          await call(
            r,
            'POST',
            `${I}/compliance/waivers`,
            waiverRequest(fresh ? freshCheck() : 'required-labels', {
              team: 'genai-apps',
            }),
          ),
        ),
      [`DELETE ${I}/compliance/waivers/:id`]: async (r, fresh) => {
        const waiver = fresh
          ? await must(
              'admin',
              'POST',
              `${I}/compliance/waivers`,
              waiverRequest(freshCheck(), { environment: envId }),
            )
          : mlWaiver;
        return status(
          await call(r, 'DELETE', `${I}/compliance/waivers/${waiver.id}`),
        );
      },
      [`GET ${I}/gpu/activity?environment=:id`]: async r =>
        status(
          await call(
            r,
            'GET',
            `${I}/gpu/activity?${COST_RANGE}&environment=${envId}`,
          ),
        ),
      [`GET ${I}/gpu/activity?job=:jobId`]: async r =>
        status(
          await call(r, 'GET', `${I}/gpu/activity?${COST_RANGE}&job=${jobId}`),
        ),
      [`GET ${I}/budgets`]: async r =>
        budgetListed(await call(r, 'GET', `${I}/budgets`)),
      [`GET ${I}/budgets?teams=${ML}`]: async r =>
        budgetListed(await call(r, 'GET', `${I}/budgets?teams=${ML}`)),
      // Allowed callers set the amount it has; a wrong success of a refused one would change it.
      [`PUT ${I}/budgets (ml-research)`]: async (r, fresh) =>
        status(
          await call(r, 'PUT', `${I}/budgets`, {
            ...ML_BUDGET,
            monthlyAmount: fresh ? ML_BUDGET.monthlyAmount : 1,
          }),
        ),
      [`PUT ${I}/budgets (genai-apps)`]: async r =>
        status(
          await call(r, 'PUT', `${I}/budgets`, {
            scope: 'team',
            subject: 'group:default/genai-apps',
            monthlyAmount: 4000,
          }),
        ),
      [`PUT ${I}/budgets (a cost center)`]: async r =>
        status(
          await call(r, 'PUT', `${I}/budgets`, {
            scope: 'cost-center',
            subject: 'CC-2100',
            monthlyAmount: 9000,
          }),
        ),
    };

  it('gives each role exactly the access of the matrix, and the README shows it', async () => {
    if (skipped) {
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED permission matrix: ${skipped}`);
      return;
    }
    const actual: Array<[string, Expected]> = [];
    const mismatches: string[] = [];
    for (const [route, expected] of EXPECTED) {
      const cells = {} as Expected;
      for (const role of ROLES) {
        const fresh = /^2/.test(expected[role]);
        cells[role] = await CALLS[route](role, fresh);
        if (cells[role] !== expected[role]) {
          mismatches.push(`${route} as ${role}: ${lastAnswer}`);
        }
      }
      actual.push([route, cells]);
    }
    const table = renderMatrix(actual);
    mkdirSync(resolve(repoRoot, 'artifacts'), { recursive: true });
    writeFileSync(resolve(repoRoot, 'artifacts/permission-matrix.md'), table);
    expect(mismatches).toEqual([]);
    expect(table).toBe(renderMatrix(EXPECTED));
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(table);
    // No refused caller changed the owning team's budget.
    const budgets = await must('admin', 'GET', `${I}/budgets?teams=${ML}`);
    expect(
      budgets.items
        .filter((b: any) => b.scope === 'team')
        .map((b: any) => [b.subject, b.budgetMicros]),
    ).toEqual([[ML, ML_BUDGET.monthlyAmount * 1_000_000]]);
    // No refused caller revoked the owning team's waiver.
    const waiver = (
      await must(
        'admin',
        'GET',
        `${I}/compliance/waivers?state=all&teams=${ML}`,
      )
    ).items.find((w: { id: string }) => w.id === mlWaiver.id);
    expect(waiver).toMatchObject({ state: 'active' });
  });

  it("refuses forged plugin tokens on the permission backend's lane (pluginCallLane)", async () => {
    if (skipped) return;
    const b64 = (o: object) =>
      Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = b64({
      sub: 'plugin:genai-playground',
      aud: 'permission',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    // The lane chooses by the unverified header's `typ`; the permission backend must still verify.
    const forged = [
      `${b64({
        typ: 'vnd.backstage.plugin',
        alg: 'ES256',
        kid: 'x',
      })}.${payload}.${b64({ s: 1 })}`,
      `${b64({ typ: 'vnd.backstage.plugin', alg: 'none' })}.${payload}.`,
      // A member's real token with its header swapped: the signature no longer matches.
      `${b64({ typ: 'vnd.backstage.plugin', alg: 'ES256' })}.${tokens
        .member!.split('.')
        .slice(1)
        .join('.')}`,
    ];
    const body = {
      items: [
        {
          id: 'x',
          permission: {
            type: 'basic',
            name: 'genai-playground.environment.create',
            attributes: { action: 'create' },
          },
        },
      ],
    };
    const authorize = (token: string) =>
      fetch(`${backend.baseUrl}/api/permission/authorize`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    // The same request with the member's own token is answered: the 401s below are the tokens'.
    expect((await authorize(tokens.member!)).status).toBe(200);
    for (const token of forged) {
      const res = await authorize(token);
      expect([token.slice(0, 40), res.status]).toEqual([
        token.slice(0, 40),
        401,
      ]);
    }
  });

  it('keeps what a user registers from bringing teams, users or Kubernetes targets', async () => {
    if (skipped) return;
    // The locations registered above were processed; none of their entities may be in the catalog.
    await new Promise(r => setTimeout(r, 3000));
    for (const ref of [
      'group/default/planted-team',
      'user/default/planted-user',
      'resource/default/planted-kube-system',
    ]) {
      const res = await call(
        'admin',
        'GET',
        `/api/catalog/entities/by-name/${ref}`,
      );
      expect({ ref, status: res.status }).toEqual({ ref, status: 404 });
    }
    // kenji (genai-apps) did not join ml-research by registering a Group naming him.
    const kenji = await call(
      'admin',
      'GET',
      '/api/catalog/entities/by-name/user/default/kenji.sato',
    );
    expect(
      kenji.json.relations.map((r: { targetRef: string }) => r.targetRef),
    ).not.toContain('group:default/planted-team');
    // Nothing was planted in kube-system through the proxy by a non-admin.
    const planted = await fetch(
      `${kube.url}/api/v1/namespaces/kube-system/configmaps`,
      { headers: { authorization: `Bearer ${KUBE_TOKEN}` } },
    ).then(r => r.json());
    expect(planted.items.map((c: any) => c.metadata.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^planted-/)]),
    );
    expect(
      planted.items.filter((c: any) => c.metadata.name.startsWith('planted-')),
    ).toHaveLength(1);
  });
});

function status(res: { status: number }): string {
  return String(res.status);
}

/** 200 and whether the item is in the list's `items`. */
function listed(res: { status: number; json: any }, id: string): string {
  if (res.status !== 200) return String(res.status);
  const ids = (res.json?.items ?? []).map((i: { id: string }) => i.id);
  return `200 ${ids.includes(id) ? 'sees' : 'hidden'}`;
}

/** 200 and whether the owning team's budget is in the budgets. */
function budgetListed(res: { status: number; json: any }): string {
  if (res.status !== 200) return String(res.status);
  const found = (res.json?.items ?? []).some(
    (b: { scope: string; subject: string }) =>
      b.scope === 'team' && b.subject === ML,
  );
  return `200 ${found ? 'sees' : 'hidden'}`;
}

/** 200 and whether the owning team's waiver is in the list. */
function waiverListed(
  res: { status: number; json: any },
  waiver: { id: string },
): string {
  if (res.status !== 200) return String(res.status);
  const found = (res.json?.items ?? []).some(
    (w: { id: string }) => w.id === waiver.id,
  );
  return `200 ${found ? 'sees' : 'hidden'}`;
}

/** 200 and whether the answer holds a day of the owning team's compliance history. */
function historyHolds(res: { status: number; json: any }): string {
  if (res.status !== 200) return String(res.status);
  const found = (res.json?.teams ?? []).some(
    (t: { name: string; points?: unknown[] }) =>
      t.name === ML && (t.points ?? []).length > 0,
  );
  return `200 ${found ? 'sees' : 'hidden'}`;
}

/** 200 and whether any Kubernetes object came back for the entity. */
function objects(res: { status: number; json: any }): string {
  if (res.status !== 200) return String(res.status);
  const found = (res.json?.items ?? []).some((cluster: any) =>
    (cluster.resources ?? []).some((r: any) => (r.resources ?? []).length > 0),
  );
  return `200 ${found ? 'objects' : 'nothing'}`;
}
