/**
 * The benchmark's servers, each started in a child process of its own by bench/gateway.ts:
 *
 * - `llm-sim`: the model server (two models: a fast one for latency, a paced one for streams);
 * - `portal`: a real Backstage backend set up as packages/backend is (backend-defaults with the
 *   gateway fast lane, auth policies) with only the genai-playground plugin, on an SQLite file, its
 *   inference config pointing at the llm-sim; a module of the plugin seeds one environment and
 *   an API key before the plugin starts.
 *
 * - `hop`: the least any proxy costs here, for reference: node:http in, undici out, the answer
 *   piped back, nothing else.
 *
 * Each tells the parent it is ready over IPC: `{ ready: true, url, key? }`.
 */
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { startLlmSim } from '@genai-portal/llm-sim';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { DatabaseEnvironmentStore } from '../src/environments/DatabaseEnvironmentStore';
import { generateApiKey } from '../src/keys/apiKeySecret';
import { DatabaseApiKeyStore } from '../src/keys/DatabaseApiKeyStore';
import { gatewayFastLane } from '../src/gatewayFastLane';
import { FAST_MODEL, STREAM_MODEL } from './models';
import { migrateDatabase } from '../src/lib/migrateDatabase';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
}

async function llmSim() {
  const sim = await startLlmSim({
    port: Number(arg('port')),
    seed: 1,
    models: [
      // answers after 5 ms: what the gateway adds shows against a short, steady wait
      { id: FAST_MODEL, ttftMs: 5, tpotMs: 0 },
      // 64 chunks 20 ms apart
      { id: STREAM_MODEL, ttftMs: 50, tpotMs: 20 },
    ],
  });
  process.send!({ ready: true, url: sim.url });
  process.on('disconnect', () => sim.close().then(() => process.exit(0)));
}

async function portal() {
  const upstream = arg('upstream');
  const port = Number(arg('port'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-bench-'));
  // BENCH_REDIS_URL: limits and the usage stream in Redis, as in production, under keys of
  // this run's own (other users of the same Redis are left alone)
  const redisUrl = process.env.BENCH_REDIS_URL;
  const redisKeys = `gateway-bench:${path.basename(dir)}`;
  const configFile = path.join(dir, 'app-config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: {
          client: 'better-sqlite3',
          connection: { directory: dir },
        },
        cache: { store: 'memory' },
      },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'bench',
                // nothing listens here: the benchmark needs no cluster
                url: 'http://127.0.0.1:9',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'unused',
              },
            ],
          },
        ],
      },
      genaiPlayground: {
        cluster: 'bench',
        inference: {
          models: [FAST_MODEL, STREAM_MODEL].map(name => ({
            name,
            upstreams: [upstream],
            pricePer1MInput: 0.2,
            pricePer1MOutput: 0.6,
            contextLength: 32768,
          })),
          discovery: { enabled: false },
          ...(redisUrl
            ? {
                limits: {
                  store: 'redis',
                  redisUrl,
                  keyPrefix: `${redisKeys}:limits:`,
                },
                metering: { streamKey: `${redisKeys}:usage` },
              }
            : {}),
        },
      },
    }),
  );
  process.argv.push('--config', configFile);

  const { key, hash, prefix } = generateApiKey();
  const seed = createBackendModule({
    pluginId: 'genai-playground',
    moduleId: 'bench-seed',
    register(reg) {
      reg.registerInit({
        deps: { database: coreServices.database },
        async init({ database }) {
          // modules start before the plugin, whose wiring migrates: seed a migrated database
          await migrateDatabase(database);
          const environments = await DatabaseEnvironmentStore.create({
            database,
          });
          const now = new Date();
          const env = {
            id: 'bench-env',
            name: 'env',
            team: 'group:default/bench',
            owner: 'user:default/bench',
            cluster: 'bench',
            namespace: 'bench-env',
            gpuPool: 'mi355x' as const,
            quota: {
              gpus: 8,
              cpu: 64,
              memoryGi: 512,
              storageGi: 0,
              pods: 50,
              persistentVolumeClaims: 0,
            },
            costCenter: 'CC-0000',
            currency: 'USD',
            dataClassification: 'internal' as const,
            securityLevel: 'low' as const,
            createdAt: now.toISOString(),
            expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
          };
          await environments.claimForCreate(env, {
            lockToken: 'bench',
            lockUntil: env.expiresAt,
            now: env.createdAt,
          });
          await environments.finishCreate(env.id, {
            lockToken: 'bench',
            status: 'ready',
            now: env.createdAt,
          });
          const keys = await DatabaseApiKeyStore.create({ database });
          await keys.insert({
            id: '00000000-0000-4000-8000-000000000001',
            hash,
            prefix,
            name: 'bench',
            environmentId: env.id,
            team: env.team,
            models: [],
            rpm: 10_000_000,
            tpm: 1_000_000_000,
            // a budget too, so that the call reserves and settles like a budgeted key
            monthlyBudget: 1_000_000,
            currency: 'USD',
            createdBy: env.owner,
            createdAt: env.createdAt,
          });
        },
      });
    },
  });

  const backend = createBackend();
  // The backend's own root router setup (packages/backend/src/index.ts).
  backend.add(rootHttpRouterServiceFactory({ configure: gatewayFastLane }));
  backend.add(import('../src'));
  backend.add(seed);
  await backend.start();
  process.send!({ ready: true, url: `http://127.0.0.1:${port}`, key });
  process.on('disconnect', () => {
    backend
      .stop()
      .catch(() => undefined)
      .finally(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
  });
}

async function hop() {
  const upstream = new Pool(arg('upstream'), {
    pipelining: 1,
    connections: 2000,
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      upstream
        .request({
          method: 'POST',
          path: req.url!,
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        })
        .then(
          r => {
            res.writeHead(r.statusCode, {
              'content-type': String(r.headers['content-type']),
            });
            r.body.on('data', c => res.write(c));
            r.body.on('end', () => res.end());
            r.body.on('error', () => res.destroy());
          },
          () => {
            res.writeHead(502);
            res.end();
          },
        );
    });
  });
  await new Promise<void>(resolve =>
    server.listen(Number(arg('port')), '127.0.0.1', resolve),
  );
  process.send!({ ready: true, url: `http://127.0.0.1:${arg('port')}` });
  process.on('disconnect', () => process.exit(0));
}

const role = arg('role');
const roles: Record<string, () => Promise<void>> = {
  'llm-sim': llmSim,
  portal,
  hop,
};
roles[role]().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
