import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { startLlmSim, type LlmSim } from '@genai-portal/llm-sim';
import type { EventsService } from '@backstage/plugin-events-node';
import type { CreateApiKeyRequest } from '@genai-portal/plugin-genai-playground-common';
import express from 'express';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { DatabaseEnvironmentStore } from '../../environments/DatabaseEnvironmentStore';
import type { NewEnvironment } from '../../environments/EnvironmentStore';
import { KubernetesClient } from '../../kubernetes/KubernetesClient';
import { createApiKeysRouter } from '../../keys/router';
import { createUsageRouter } from '../../metering/router';
import { createInferenceServicesRouter } from '../deploy/router';
import { readInferenceConfig } from '../config';
import { createInferenceCapability } from '../createInferenceCapability';
import type { LimitStore } from '../limits/LimitStore';
import { migrateDatabase } from '../../lib/migrateDatabase';
import { useSqliteWriteAheadLog } from '../../lib/useSqliteWriteAheadLog';
import { PermissionGate } from '../../permissions/PermissionGate';
import {
  environmentRuleset,
  realPolicyPermissions,
} from '../../__testUtils__/realPolicy';

export const MARCO = 'user:default/marco.rossi';
export const LENA = 'user:default/lena.fischer';
export const ML_RESEARCH = 'group:default/ml-research';
export const GENAI_APPS = 'group:default/genai-apps';

export const CHAT_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
export const QWEN = 'Qwen/Qwen2.5-7B-Instruct';
export const EMBEDDING_MODEL = 'BAAI/bge-m3';

/** Who belongs where (what sign-in puts in ownershipEntityRefs). */
const MEMBERSHIP: Record<string, string[]> = {
  [MARCO]: [ML_RESEARCH],
  [LENA]: [GENAI_APPS],
};

/** A ready environment record (ml-research, mi355x) as the environments capability stores it. */
export function environmentRecord(
  name: string,
  overrides: Partial<NewEnvironment> = {},
): NewEnvironment {
  const team = overrides.team ?? ML_RESEARCH;
  const id = `${team.split('/')[1]}-${name}`;
  return {
    id,
    name,
    team,
    owner: MARCO,
    cluster: 'kube-sim',
    namespace: id,
    gpuPool: 'mi355x',
    quota: {
      gpus: 4,
      cpu: 32,
      memoryGi: 256,
      storageGi: 100,
      pods: 50,
      persistentVolumeClaims: 10,
    },
    costCenter: 'CC-2100',
    currency: 'USD',
    dataClassification: 'internal',
    securityLevel: 'medium',
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 72 * 3_600_000).toISOString(),
    ...overrides,
  };
}

export interface GatewayHarnessOptions {
  knex: Knex;
  /** Extra keys of genaiPlayground.inference (merged over the defaults below). */
  inference?: Record<string, unknown>;
  /** Replicas per chat model (llm-sim servers); default 2 for Llama, 1 for Qwen. */
  llamaReplicas?: number;
  simOptions?: { ttftMs?: number; tpotMs?: number };
  limits?: LimitStore;
  /** Permission answers (default: allow everything). */
  permissions?: ReturnType<typeof mockServices.permissions.mock>;
  kubeUrl?: string;
  kubeToken?: string;
}

/**
 * The inference gateway made by the factory plugin.ts calls, on an express app on a real port, with llm-sim
 * model servers behind it, a test database, and mock Backstage identities.
 */
export async function startGateway(options: GatewayHarnessOptions) {
  const simOptions = { ttftMs: 5, tpotMs: 1, seed: 7, ...options.simOptions };
  const llamas: LlmSim[] = [];
  for (let i = 0; i < (options.llamaReplicas ?? 2); i++) {
    llamas.push(
      await startLlmSim({
        ...simOptions,
        models: [{ id: CHAT_MODEL, maxModelLen: 131072 }],
      }),
    );
  }
  const qwen = await startLlmSim({
    ...simOptions,
    models: [{ id: QWEN, maxModelLen: 32768 }],
  });
  const bge = await startLlmSim({
    ...simOptions,
    models: [
      {
        id: EMBEDDING_MODEL,
        kind: 'embedding',
        embeddingDim: 1024,
        maxModelLen: 8192,
      },
    ],
  });
  const configData = {
    genaiPlayground: {
      currency: 'USD',
      inference: {
        models: [
          {
            name: CHAT_MODEL,
            upstreams: llamas.map(s => s.url),
            gpuPool: 'mi355x',
            pricePer1MInput: 0.2,
            pricePer1MOutput: 0.6,
            contextLength: 131072,
          },
          {
            name: QWEN,
            upstreams: [qwen.url],
            pricePer1MInput: 0.15,
            pricePer1MOutput: 0.45,
            contextLength: 32768,
          },
          {
            name: EMBEDDING_MODEL,
            upstreams: [bge.url],
            kind: 'embedding',
            pricePer1MInput: 0.01,
            contextLength: 8192,
          },
        ],
        retries: { attempts: 2, baseDelayMs: 5 },
        discovery: { enabled: false },
        metering: { flushIntervalMs: 50, batchSize: 100 },
        ...options.inference,
      },
    },
  };
  const config = readInferenceConfig(new ConfigReader(configData));
  const logger = mockServices.logger.mock();
  const database = mockServices.database({ knex: options.knex });
  // as plugin.ts prepares the plugin's database
  await migrateDatabase(database);
  await useSqliteWriteAheadLog(options.knex);
  const environments = await DatabaseEnvironmentStore.create({ database });
  // The portal's real policy unless a test brings its own decisions.
  const permissions =
    options.permissions ??
    realPolicyPermissions({ environments, membership: MEMBERSHIP });
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])],
      };
    },
  });
  const httpAuth = mockServices.httpAuth({
    defaultCredentials: mockCredentials.user(MARCO),
  });
  const kube = KubernetesClient.create({
    cluster: {
      name: 'kube-sim',
      url: options.kubeUrl ?? 'http://127.0.0.1:9',
      serviceAccountToken: options.kubeToken ?? 'unused',
      skipTLSVerify: true,
    },
    requestTimeoutMs: 2_000,
    retries: 0,
    retryBaseDelayMs: 10,
    logger,
  });
  const { gateway, routes } = await createInferenceCapability({
    config,
    database,
    environments,
    kube,
    httpAuth,
    userInfo,
    permissions,
    gate: new PermissionGate({ permissions, ruleset: environmentRuleset }),
    logger,
    limits: options.limits,
    // Typed with this package's events-node: backend-test-utils may resolve another copy.
    events: mockServices.events.mock() as unknown as EventsService,
    lifecycle: mockServices.lifecycle.mock(),
  });
  const auditor = mockServices.auditor.mock();
  const app = express();
  for (const route of routes) app.use(route);
  // the plugin's other routes, as router.ts mounts them after its JSON parser
  app.use(express.json());
  app.use(createApiKeysRouter({ httpAuth, auditor, keys: gateway.keys }));
  app.use(createUsageRouter({ httpAuth, usage: gateway.usage }));
  app.use(
    createInferenceServicesRouter({
      httpAuth,
      auditor,
      deployer: gateway.deployer,
    }),
  );
  app.use(mockErrorHandler());
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Creates a ready environment in the store. */
  const addEnvironment = async (
    name: string,
    overrides: Partial<NewEnvironment> = {},
  ) => {
    const env = environmentRecord(name, overrides);
    const claim = await environments.claimForCreate(env, {
      lockToken: 't',
      lockUntil: new Date(Date.now() + 60_000).toISOString(),
      now: new Date().toISOString(),
    });
    await environments.finishCreate(claim.environment.id, {
      lockToken: 't',
      status: 'ready',
      now: new Date().toISOString(),
    });
    return env.id;
  };

  /** Issues a key through the service, as marco. */
  const createKey = async (
    environmentId: string,
    request: Partial<CreateApiKeyRequest> = {},
  ) =>
    gateway.keys.create(
      environmentId,
      { name: 'test key', ...request } as any,
      { credentials: mockCredentials.user(MARCO) },
    );

  return {
    url,
    /** The gateway's OpenAI base URL. */
    baseURL: `${url}/v1`,
    gateway,
    environments,
    llamas,
    qwen,
    bge,
    sims: [...llamas, qwen, bge],
    auditor,
    permissions,
    addEnvironment,
    createKey,
    knex: options.knex,
    /** Waits for the metering buffer to reach the database. */
    flush: () => gateway.recorder.flush(),
    usageRows: async () => {
      await gateway.recorder.flush();
      return options.knex('usage_records').orderBy('id');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      await gateway.close();
      await Promise.all([...llamas, qwen, bge].map(s => s.close()));
    },
  };
}

export type GatewayHarness = Awaited<ReturnType<typeof startGateway>>;

/** A POST with a raw body (for what the openai client will not send). */
export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
