import OpenAI from 'openai';
import {
  postgresProblem,
  signIn,
  startProductionBackend,
  startSim,
  type ProductionBackend,
} from '@genai-portal/test-utils';

/**
 * The cost ledger end to end, as a new user would see it: on the real backend process (production
 * config, PostgreSQL, the real permission policy) a member creates an environment, runs a job and
 * chats through the gateway with the `openai` client; the insights plugin collects the playground's
 * facts through its feed, and the lead's numbers must equal the rate card applied by hand to what
 * the playground itself reports (the environment's history, the job's start and end, the metered
 * tokens). A crash of the backend (SIGKILL) and a clean restart must leave every number as it was.
 */
jest.setTimeout(600_000);

const P = '/api/genai-playground';
const I = '/api/genai-insights';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const KUBE_TOKEN = 'cost-ledger-token';
const USERS = {
  member: 'lena.fischer',
  lead: 'marco.rossi',
  otherTeam: 'kenji.sato',
} as const;
type Role = keyof typeof USERS;

/** The rate card of this test, in currency units (the ledger keeps micro-units). */
const RATES = {
  mi300xGpuHour: 2.9,
  cpuCoreHour: 0.04,
  memoryGiHour: 0.005,
  storageGiMonth: 0.08,
  inputPerMillion: 0.2,
  outputPerMillion: 0.6,
};
const HOURS_PER_MONTH = 730;
const QUOTA = { gpus: 2, cpu: 8, memoryGi: 32, storageGi: 100 };

interface IdleItem {
  category: string;
  reservedMicros: number;
  usedMicros: number;
  reservedQuantity: number;
  usedQuantity: number;
}

/** Yesterday to tomorrow: the range every query of this test asks for. */
const FROM = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const TO = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

const hoursBetween = (from: string, to: string) =>
  (Date.parse(to) - Date.parse(from)) / 3_600_000;

describe('the cost ledger on the real backend', () => {
  let skipped: string | undefined;
  let kube: { url: string; stop(): Promise<void> };
  let llm: { url: string; stop(): Promise<void> };
  let backend: ProductionBackend;
  const tokens = {} as Record<Role, string>;

  const call = async (
    role: Role,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await fetch(`${backend.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[role]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  };
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
  const waitFor = async <T>(
    what: string,
    probe: () => Promise<T | undefined>,
    seconds = 120,
  ): Promise<T> => {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 500));
    }
  };
  const signInAll = async () => {
    const { baseUrl } = backend;
    for (const [role, user] of Object.entries(USERS)) {
      tokens[role as Role] = await waitFor(`${user} to sign in`, () =>
        signIn(baseUrl, user).catch(() => undefined),
      );
    }
  };

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
    backend = await startProductionBackend({
      cluster: { url: kube.url, token: KUBE_TOKEN },
      config: {
        genaiPlayground: {
          jobs: { allowedPools: ['mi300x'], watch: { resyncSeconds: 1 } },
          factsFeed: { settleSeconds: 1 },
          inference: {
            models: [
              {
                name: MODEL,
                upstreams: [llm.url],
                gpuPool: 'mi355x',
                pricePer1MInput: RATES.inputPerMillion,
                pricePer1MOutput: RATES.outputPerMillion,
                contextLength: 8192,
              },
            ],
          },
        },
        genaiInsights: {
          collector: { frequencySeconds: 2 },
          rateCard: {
            versions: [
              {
                from: '2026-01-01T00:00:00Z',
                pools: [
                  { name: 'mi300x', gpuHour: RATES.mi300xGpuHour },
                  { name: 'mi355x', gpuHour: 4.1 },
                ],
                cpuCoreHour: RATES.cpuCoreHour,
                memoryGiHour: RATES.memoryGiHour,
                storageGiMonth: RATES.storageGiMonth,
                tokens: [
                  {
                    model: MODEL,
                    inputPerMillion: RATES.inputPerMillion,
                    outputPerMillion: RATES.outputPerMillion,
                  },
                ],
              },
            ],
          },
        },
      },
    });
    await signInAll();
  });

  afterAll(async () => {
    await backend?.stop();
    await kube?.stop();
    await llm?.stop();
  });

  /** The lead's reserved / used / idle per category for the team, from the insights API. */
  const idle = async (): Promise<Map<string, IdleItem>> => {
    const body = await must(
      'lead',
      'GET',
      `${I}/cost/idle?from=${FROM}&to=${TO}&teams=ml-research`,
    );
    return new Map(
      (body.items as IdleItem[]).map(item => [item.category, item]),
    );
  };

  it('charges what the rate card gives for the reservation, the job and the tokens, and keeps it across restarts', async () => {
    if (skipped) {
      console.warn(`skipped: ${skipped}`);
      return;
    }
    // A member works as a new user would.
    const env = await must('member', 'POST', `${P}/environments`, {
      name: 'cost-ledger',
      team: 'ml-research',
      gpuPool: 'mi300x',
      ...QUOTA,
      ttlHours: 24,
      costCenter: 'CC-2100',
      dataClassification: 'internal',
      securityLevel: 'medium',
    });
    const job = await must('member', 'POST', `${P}/jobs`, {
      environment: env.id,
      image: 'image-registry.openshift-image-registry.svc:5000/ml/trainer:1',
      gpus: 1,
      cpu: 1,
      memoryGi: 1,
      // kube-sim's container runs 20 simulated seconds (one real second at --time-scale=20).
      env: [{ name: 'KUBE_SIM_RUN_SECONDS', value: '20' }],
    });
    const key = await must(
      'member',
      'POST',
      `${P}/environments/${env.id}/keys`,
      {
        name: 'cost-ledger',
      },
    );
    const openai = new OpenAI({
      apiKey: key.key,
      baseURL: `${backend.baseUrl}${P}/v1`,
    });
    for (let i = 0; i < 3; i++) {
      await openai.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: `How much is ${i} GPU-hours?` }],
        max_tokens: 16,
      });
    }
    const ended = await waitFor('the job to end', async () => {
      const j = await must('member', 'GET', `${P}/jobs/${job.id}`);
      return j.finishedAt ? j : undefined;
    });
    await must('member', 'DELETE', `${P}/environments/${env.id}`);
    const lastAction = Date.now();

    // What the playground itself says happened.
    type Event = { action: string; at: string };
    const history = async (): Promise<Event[]> =>
      (await must('member', 'GET', `${P}/environments/${env.id}/history`))
        .items;
    // The gateway meters in batches: wait until the three calls are recorded.
    const model = await waitFor(
      'the three calls in the usage report',
      async () => {
        const usage = await must(
          'lead',
          'GET',
          `${P}/usage?groupBy=model&from=${FROM}T00:00:00Z&to=${TO}T00:00:00Z&team=ml-research`,
        );
        const item = (usage.items as any[]).find(i => i.group === MODEL);
        return item?.requests === 3 ? item : undefined;
      },
    );

    // The rate card applied by hand.
    const deletedAt = await waitFor(
      'the deletion in the history',
      async () => (await history()).find(e => e.action === 'delete')?.at,
    );
    const createdAt = (await history()).find(e => e.action === 'create')!.at;
    const reservedHours = hoursBetween(createdAt, deletedAt);
    const jobGpuHours =
      hoursBetween(ended.startedAt, ended.finishedAt) *
      ended.gpus *
      (ended.pods ?? 1);
    expect(model.inputTokens).toBeGreaterThan(0);
    const micros = (x: number) => x * 1e6;
    const expected = {
      gpu: {
        reserved: micros(QUOTA.gpus * reservedHours * RATES.mi300xGpuHour),
        used: micros(jobGpuHours * RATES.mi300xGpuHour),
      },
      cpu: micros(QUOTA.cpu * reservedHours * RATES.cpuCoreHour),
      memory: micros(QUOTA.memoryGi * reservedHours * RATES.memoryGiHour),
      storage: micros(
        (QUOTA.storageGi * reservedHours * RATES.storageGiMonth) /
          HOURS_PER_MONTH,
      ),
      tokens: micros(
        (model.inputTokens * RATES.inputPerMillion +
          model.outputTokens * RATES.outputPerMillion) /
          1e6,
      ),
    };
    // Each hourly row is rounded once to a micro-unit; the environment spans at most two hours.
    const close = (actual: number | undefined, wanted: number) =>
      actual !== undefined && Math.abs(actual - wanted) <= 2;
    const reconciled = (m: Map<string, IdleItem>) =>
      close(m.get('gpu')?.reservedMicros, expected.gpu.reserved) &&
      close(m.get('gpu')?.usedMicros, expected.gpu.used) &&
      close(m.get('cpu')?.reservedMicros, expected.cpu) &&
      close(m.get('memory')?.reservedMicros, expected.memory) &&
      close(m.get('storage')?.reservedMicros, expected.storage) &&
      close(m.get('tokens')?.reservedMicros, expected.tokens) &&
      close(m.get('tokens')?.usedMicros, expected.tokens);

    // Within a minute of the last action, the lead's numbers are the rate card's.
    let last: Map<string, IdleItem> | undefined;
    await waitFor(
      'the ledger to reconcile',
      async () => {
        last = await idle();
        return reconciled(last) ? true : undefined;
      },
      60,
    ).catch(error => {
      throw new Error(
        `${error.message}\nwanted ${JSON.stringify(
          expected,
        )}\ngot ${JSON.stringify([...(last?.values() ?? [])])}`,
      );
    });
    console.info(
      `cost ledger reconciled ${((Date.now() - lastAction) / 1000).toFixed(
        1,
      )} s after the last action`,
    );
    expect(last!.get('gpu')!.reservedQuantity).toBeCloseTo(
      QUOTA.gpus * reservedHours,
      6,
    );

    // A member of another team sees none of it.
    const other = await call(
      'otherTeam',
      'GET',
      `${I}/cost/idle?from=${FROM}&to=${TO}&teams=ml-research`,
    );
    expect(other.status).toBe(403);

    // A crash, then a clean restart: after the collector has run again, nothing counted twice.
    const before = JSON.stringify([...last!.entries()].sort());
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      await backend.restart({ signal });
      await signInAll();
      // Two collector ticks at least.
      await new Promise(r => setTimeout(r, 6_000));
      const after = await idle();
      expect(JSON.stringify([...after.entries()].sort())).toBe(before);
    }
  });
});
