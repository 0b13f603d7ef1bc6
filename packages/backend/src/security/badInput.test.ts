import {
  postgresProblem,
  signIn,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import {
  BAD_WAIVER_IDS,
  badBodies,
  badCostQueries,
  badQueries,
  badWaiverBodies,
} from './badInputs';

/**
 * Bad input, tried on every JSON route of the playground on the real backend process (production
 * config, real policy) as a member of the owning team: each field of a valid request replaced by
 * wrong types, huge and negative numbers, long strings; unknown fields, deep nesting, a 10 MB body,
 * broken JSON. Every answer must be a 4xx, and afterwards nothing may have changed.
 */
jest.setTimeout(600_000);

const P = '/api/genai-playground';
const I = '/api/genai-insights';
const CHAT = 'meta-llama/Llama-3.1-8B-Instruct';
const EMBEDDING = 'BAAI/bge-m3';
const KUBE_TOKEN = 'bad-input-token';
const IMAGE = 'image-registry.openshift-image-registry.svc:5000/ml/trainer:1';

describe('bad input on every JSON route', () => {
  let kube: Awaited<ReturnType<typeof startSim>>;
  let llm: Awaited<ReturnType<typeof startSim>>;
  let backend: ProductionBackend;
  let member: string;
  let admin: string;
  let apiKey: string;
  let envId: string;
  let inferenceEnvId: string;
  let jobId: string;
  let skipped: string | undefined;

  const send = async (
    token: string,
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${backend.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  const json = async (
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await send(
      token,
      method,
      path,
      body === undefined ? undefined : JSON.stringify(body),
    );
    if (res.status >= 300) {
      throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    }
    return JSON.parse(res.text);
  };

  const environment = (name: string, overrides: object = {}) => ({
    name,
    team: 'ml-research',
    gpuPool: 'mi300x',
    gpus: 1,
    cpu: 4,
    memoryGi: 16,
    storageGi: 0,
    ttlHours: 24,
    costCenter: 'CC-2100',
    monthlyBudget: 100,
    dataClassification: 'internal',
    securityLevel: 'medium',
    ...overrides,
  });

  /** What must not change: environments, jobs, keys and the cluster's namespaces. */
  const snapshot = async () => ({
    environments: (
      await json(admin, 'GET', `${P}/environments?includeDeleted=true`)
    ).items.map((e: any) => [e.id, e.status, e.expiresAt]),
    jobs: (await json(admin, 'GET', `${P}/jobs`)).items.map((j: any) => j.id),
    keys: (
      await json(admin, 'GET', `${P}/environments/${envId}/keys`)
    ).items.map((k: any) => [k.id, k.revokedAt ?? null]),
    namespaces: (
      await fetch(`${kube.url}/api/v1/namespaces`, {
        headers: { authorization: `Bearer ${KUBE_TOKEN}` },
      }).then(r => r.json())
    ).items
      .map((n: any) => n.metadata.name)
      .sort(),
    deployments: (
      await fetch(`${kube.url}/apis/apps/v1/deployments`, {
        headers: { authorization: `Bearer ${KUBE_TOKEN}` },
      }).then(r => r.json())
    ).items
      .map((d: any) => `${d.metadata.namespace}/${d.metadata.name}`)
      .sort(),
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
      `--model=${CHAT}`,
      `--embedding-model=${EMBEDDING}`,
      '--ttft-ms=1',
      '--tpot-ms=1',
    ]);
    const model = (name: string, kind?: string) => ({
      name,
      upstreams: [llm.url],
      gpuPool: 'mi355x',
      pricePer1MInput: 0.2,
      pricePer1MOutput: 0.6,
      contextLength: 8192,
      ...(kind ? { kind } : {}),
    });
    backend = await startProductionBackend({
      cluster: { url: kube.url, token: KUBE_TOKEN },
      config: {
        genaiPlayground: {
          jobs: { allowedPools: ['mi300x'] },
          inference: {
            models: [model(CHAT), model(EMBEDDING, 'embedding')],
          },
        },
      },
    });
    const signed = async (user: string) => {
      for (let i = 0; i < 120; i++) {
        const token = await signIn(backend.baseUrl, user).catch(
          () => undefined,
        );
        if (token) return token;
        await new Promise(r => setTimeout(r, 500));
      }
      throw new Error(`${user} could not sign in`);
    };
    member = await signed('lena.fischer');
    admin = await signed('priya.raman');
    envId = (
      await json(member, 'POST', `${P}/environments`, environment('bad'))
    ).id;
    inferenceEnvId = (
      await json(
        member,
        'POST',
        `${P}/environments`,
        environment('bad-inf', { gpuPool: 'mi355x' }),
      )
    ).id;
    apiKey = (
      await json(member, 'POST', `${P}/environments/${envId}/keys`, {
        name: 'bad input',
      })
    ).key;
    jobId = (
      await json(member, 'POST', `${P}/jobs`, {
        environment: envId,
        image: IMAGE,
        gpus: 1,
        cpu: 1,
        memoryGi: 1,
      })
    ).id;
  });

  afterAll(async () => {
    await backend?.stop();
    await kube?.stop();
    await llm?.stop();
  });

  it('answers each a 4xx and changes nothing', async () => {
    if (skipped) {
      // eslint-disable-next-line no-console
      console.warn(`SKIPPED bad input: ${skipped}`);
      return;
    }
    const routes: Array<{
      path: string;
      valid: Record<string, unknown>;
      gateway?: boolean;
    }> = [
      { path: `${P}/environments`, valid: environment('never') },
      { path: `${P}/environments/${envId}/extend`, valid: { ttlHours: 24 } },
      {
        path: `${P}/environments/${envId}/keys`,
        valid: {
          name: 'k',
          models: [CHAT],
          rpm: 10,
          tpm: 1000,
          monthlyBudget: 1,
        },
      },
      {
        path: `${P}/environments/${inferenceEnvId}/inference-services`,
        valid: { name: 'llama', model: CHAT, replicas: 1, gpusPerReplica: 1 },
      },
      {
        path: `${P}/jobs`,
        valid: {
          environment: envId,
          image: IMAGE,
          gpus: 1,
          cpu: 1,
          memoryGi: 1,
          env: [{ name: 'A', value: 'b' }],
        },
      },
      {
        path: `${P}/jobs/${jobId}/cancel`,
        valid: { propagationPolicy: 'Foreground' },
      },
      {
        path: `${P}/v1/chat/completions`,
        valid: {
          model: CHAT,
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 4,
        },
        gateway: true,
      },
      {
        path: `${P}/v1/completions`,
        valid: { model: CHAT, prompt: 'hi', max_tokens: 4 },
        gateway: true,
      },
      {
        path: `${P}/v1/embeddings`,
        valid: { model: EMBEDDING, input: 'hi' },
        gateway: true,
      },
    ];
    const before = await snapshot();
    const wrong: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const token = route.gateway ? apiKey : member;
      for (const bad of badBodies(route.valid, { gateway: route.gateway })) {
        const res = await send(
          token,
          'POST',
          route.path,
          bad.body,
          bad.headers,
        ).catch(error => {
          // A server refusing a body past its limit answers and closes before the client has
          // written it all; the client then sees the socket closed, not the answer.
          if (
            bad.body.length > 1_000_000 &&
            /EPIPE|ECONNRESET/.test(String(error.cause))
          ) {
            return { status: 413, text: 'closed while sending' };
          }
          throw error;
        });
        tried++;
        if (res.status < 400 || res.status >= 500) {
          wrong.push(
            `POST ${route.path} ${bad.what}: ${res.status} ${res.text.slice(
              0,
              200,
            )}`,
          );
        }
      }
    }
    for (const path of [
      `${P}/environments`,
      `${P}/jobs`,
      `${P}/usage`,
      `${P}/quota/teams`,
      `${P}/jobs/${jobId}/logs`,
    ]) {
      for (const bad of badQueries(path)) {
        const res = await send(member, 'GET', bad.path);
        tried++;
        if (res.status < 400 || res.status >= 500) {
          wrong.push(
            `GET ${bad.what}: ${res.status} ${res.text.slice(0, 200)}`,
          );
        }
      }
    }
    expect({ tried: tried >= 300, wrong }).toEqual({ tried: true, wrong: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('answers each bad query of the cost routes a 400 naming the field, each bad budget a 4xx', async () => {
    if (skipped) return;
    const valid = {
      scope: 'team',
      subject: 'group:default/ml-research',
      monthlyAmount: 100,
    };
    await json(admin, 'PUT', `${I}/budgets`, valid);
    const budgets = async () =>
      (await json(admin, 'GET', `${I}/budgets`)).items.map((b: any) => [
        b.scope,
        b.subject,
        b.budgetMicros,
      ]);
    const before = await budgets();
    const wrong: string[] = [];
    let tried = 0;
    // As a member of the team: a field must be refused for what it is, before any policy.
    for (const bad of badCostQueries(I)) {
      const res = await send(member, 'GET', bad.path);
      tried++;
      let message = '';
      try {
        message = JSON.parse(res.text).error.message;
      } catch {
        message = res.text.slice(0, 200);
      }
      if (res.status !== 400 || !message.includes(bad.field)) {
        wrong.push(`GET ${bad.what}: ${res.status} ${message}`);
      }
    }
    // As the admin, who may set any budget: only the shape can refuse these. (A null amount is
    // not bad input: it removes the budget.)
    for (const bad of badBodies(valid)) {
      if (bad.what === 'monthlyAmount as null') continue;
      const res = await send(
        admin,
        'PUT',
        `${I}/budgets`,
        bad.body,
        bad.headers,
      ).catch(error => {
        if (
          bad.body.length > 1_000_000 &&
          /EPIPE|ECONNRESET/.test(String(error.cause))
        ) {
          return { status: 413, text: 'closed while sending' };
        }
        throw error;
      });
      tried++;
      if (res.status < 400 || res.status >= 500) {
        wrong.push(
          `PUT ${I}/budgets ${bad.what}: ${res.status} ${res.text.slice(
            0,
            200,
          )}`,
        );
      }
    }
    expect({ tried: tried >= 150, wrong }).toEqual({ tried: true, wrong: [] });
    expect(await budgets()).toEqual(before);
  });

  it('answers each bad waiver a 400 naming the field, any other bad body a 4xx, and grants nothing', async () => {
    if (skipped) return;
    const valid = {
      checkId: 'required-labels',
      team: 'ml-research',
      justification: 'accepted until the platform release in January',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    };
    const waivers = async () =>
      (await json(admin, 'GET', `${I}/compliance/waivers?state=all`)).items.map(
        (w: any) => [w.id, w.state],
      );
    const before = await waivers();
    const wrong: string[] = [];
    let tried = 0;
    const messageOf = (text: string) => {
      try {
        return JSON.parse(text).error.message as string;
      } catch {
        return text.slice(0, 200);
      }
    };
    // As the admin, who may waive for any team: only the input can refuse these.
    for (const bad of badWaiverBodies(valid)) {
      const res = await send(
        admin,
        'POST',
        `${I}/compliance/waivers`,
        JSON.stringify(bad.body),
      );
      tried++;
      const message = messageOf(res.text);
      if (res.status !== 400 || !message.includes(bad.field)) {
        wrong.push(`POST waiver ${bad.what}: ${res.status} ${message}`);
      }
    }
    for (const bad of badBodies(valid)) {
      const res = await send(
        admin,
        'POST',
        `${I}/compliance/waivers`,
        bad.body,
        bad.headers,
      ).catch(error => {
        if (
          bad.body.length > 1_000_000 &&
          /EPIPE|ECONNRESET/.test(String(error.cause))
        ) {
          return { status: 413, text: 'closed while sending' };
        }
        throw error;
      });
      tried++;
      if (res.status < 400 || res.status >= 500) {
        wrong.push(
          `POST waiver ${bad.what}: ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
    }
    for (const id of BAD_WAIVER_IDS) {
      const res = await send(admin, 'DELETE', `${I}/compliance/waivers/${id}`);
      tried++;
      const message = messageOf(res.text);
      if (res.status !== 400 || !message.includes('id')) {
        wrong.push(
          `DELETE waiver ${id.slice(0, 60)}: ${res.status} ${message}`,
        );
      }
    }
    expect({ tried: tried >= 60, wrong }).toEqual({ tried: true, wrong: [] });
    expect(await waivers()).toEqual(before);
  });
});
