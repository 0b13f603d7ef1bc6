/**
 * `yarn start:replicas [--replicas N] [--port P] [--from-sources]`: the portal as production runs
 * it, to try by hand. N (2) replicas of the production build (test-utils' assembleBackendImage, as
 * the container image holds it; the TypeScript sources with --from-sources) in production config
 * on the machine's PostgreSQL and Redis, with kube-sim and llm-sim, behind a round-robin router
 * on 127.0.0.1:P (7007) that follows readiness as the OpenShift router does. It prints how to sign
 * in and call the gateway, and each replica's pid to kill; Ctrl-C stops everything and drops the
 * databases. What it shows is asserted by src/replicas.test.ts.
 */
import {
  assembleBackendImage,
  dropDatabases,
  postgresProblem,
  startProductionBackend,
  startRoundRobinProxy,
  startSim,
  type BackendImage,
  type ProductionBackend,
} from '@genai-portal/test-utils';
import { rmSync } from 'node:fs';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const KUBE_TOKEN = 'replicas-kube-token';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`--${name} must be a positive whole number`);
  }
  return value;
}

async function main() {
  const count = option('replicas', 2);
  const port = option('port', 7007);
  if (count > 4) throw new Error('--replicas must be at most 4');
  const problem = await postgresProblem();
  if (problem) throw new Error(problem);

  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  process.once('SIGINT', () => {
    console.log('\nstopping (SIGTERM to each replica, then the databases)');
    stopAll().then(() => process.exit(0));
  });

  try {
    let image: BackendImage | undefined;
    if (!process.argv.includes('--from-sources')) {
      console.log('assembling the production build as the image holds it');
      image = await assembleBackendImage();
      cleanups.push(() => rmSync(image!.dir, { recursive: true, force: true }));
    }
    const kube = await startSim('kube-sim', [
      '--port=0',
      `--token=${KUBE_TOKEN}`,
    ]);
    cleanups.push(() => kube.stop());
    const llm = await startSim('llm-sim', ['--port=0', `--model=${MODEL}`]);
    cleanups.push(() => llm.stop());

    const prefix = `portal_replicas_${Date.now()}_`;
    cleanups.push(() => dropDatabases(prefix));
    const config = {
      backend: { lifecycle: { serverShutdownDelay: '2s' } },
      genaiPlayground: {
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
    };
    console.log(`starting ${count} replicas on one database set (${prefix})`);
    const replicas: ProductionBackend[] = [];
    // One at a time, as a Deployment's first rollout with maxSurge 1 would.
    for (let i = 0; i < count; i++) {
      const replica = await startProductionBackend({
        cluster: { url: kube.url, token: KUBE_TOKEN },
        config,
        image,
        env: { APP_CONFIG_backend_database_prefix: prefix },
      });
      replicas.push(replica);
      cleanups.push(async () => {
        await replica.stop({ signal: 'SIGTERM' });
      });
    }
    const proxy = await startRoundRobinProxy(
      replicas.map(r => r.baseUrl),
      { port },
    );
    cleanups.push(() => proxy.close());

    const base = proxy.url;
    console.log(`
the portal: ${base} (round-robin over ${replicas
      .map((r, i) => `replica ${i + 1} ${r.baseUrl} pid ${r.pid()}`)
      .join(', ')})

sign in as oauth2-proxy does (the production config accepts no other sign-in):
  curl -s -X POST -H 'x-forwarded-user: lena.fischer' -H 'x-requested-with: XMLHttpRequest' \\
    ${base}/api/auth/oauth2Proxy/refresh
then, with the token: create an environment and an API key (POST /api/genai-playground/environments,
.../environments/<id>/keys), call ${base}/api/genai-playground/v1 with the openai client, and try:
  kill -9 <pid>   a crash: the router drops the replica; calls go on at the other
  kill <pid>      a SIGTERM: it fails readiness, drains and exits (it is not restarted here)
Ctrl-C stops everything.`);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
