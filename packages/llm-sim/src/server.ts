/**
 * The HTTP server: routing, auth, body reading, faults, errors, and shutdown. Plain node:http:
 * the API is a handful of routes, and the sim must stay cheap with hundreds of open streams.
 *
 * Routes (vLLM's): GET /health, GET /metrics, GET /version, GET /v1/models,
 * POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings.
 * Sim-only admin routes (never on a real vLLM): GET /_sim/stats, GET|POST|DELETE /_sim/faults,
 * POST /_sim/reset.
 */
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlmSimOptions, resolveModels } from './config';
import { ModelKind, ModelRuntime, Scheduler } from './engine';
import { VllmError, badRequest, modelNotFound } from './errors';
import { FAULT_HEADER, FaultConfig, FaultController } from './faults';
import { RequestLifecycle } from './lifecycle';
import { Pacer } from './pacer';
import { SimMetrics } from './metrics';
import { handleChat } from './routes/chat';
import { handleCompletions } from './routes/completions';
import {
  RouteContext,
  SimContext,
  nowSeconds,
  sendJson,
} from './routes/context';
import { handleEmbeddings } from './routes/embeddings';
import { handleModels } from './routes/models';
import { LlmSimStats, StatsRecorder } from './stats';
import { parseJsonBody } from './validate';

/** The vLLM release whose API shapes the sim follows (reported by GET /version). */
export const SIMULATED_VLLM_VERSION = '0.11.0';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

const INFERENCE_ROUTES: Record<string, (ctx: RouteContext) => Promise<void>> = {
  '/v1/chat/completions': handleChat,
  '/v1/completions': handleCompletions,
  '/v1/embeddings': handleEmbeddings,
};

const API_NAMES: Record<ModelKind, string> = {
  chat: 'Chat Completions and Completions APIs',
  embedding: 'Embeddings API',
};

/** A running sim server. */
export interface LlmSim {
  /** Base URL without /v1, e.g. http://127.0.0.1:41234. */
  url: string;
  host: string;
  port: number;
  /** The served model names, as /v1/models lists them. */
  models: string[];
  /** Stops listening and ends open requests (streams included) at once. */
  close(): Promise<void>;
  /** Replaces the faults (null or {} clears them) and restarts failFirst/failRate counting. */
  setFaults(faults: FaultConfig | null): void;
  getFaults(): FaultConfig;
  stats(): LlmSimStats;
  resetStats(): void;
}

export async function startLlmSim(options: LlmSimOptions): Promise<LlmSim> {
  const resolved = resolveModels(options);
  const seed = options.seed ?? 0;
  const apiKey = options.apiKey;
  const faults = new FaultController(seed, options.faults);
  const stats = new StatsRecorder();
  const active = new Set<RequestLifecycle>();
  const pacer = new Pacer();

  const schedulers = new Map<string, Scheduler>();
  const metrics = new SimMetrics(
    resolved.map(model => model.servedNames[0]),
    name => schedulers.get(name) ?? { running: 0, waiting: 0 },
  );
  const models: ModelRuntime[] = resolved.map(model => {
    const name = model.servedNames[0];
    const scheduler = new Scheduler(model.maxNumSeqs);
    schedulers.set(name, scheduler);
    return { ...model, name, scheduler, metrics: metrics.forModel(name) };
  });
  const byName = new Map<string, ModelRuntime>();
  for (const model of models)
    for (const name of model.servedNames) byName.set(name, model);

  const sim: SimContext = {
    seed,
    startedAt: nowSeconds(),
    models,
    stats,
    resolveModel(requested, kind) {
      const model = requested
        ? byName.get(requested)
        : models.find(m => m.kind === kind);
      if (!model) throw modelNotFound(requested ?? '');
      if (model.kind !== kind) {
        throw badRequest(
          `The model \`${model.name}\` does not support the ${API_NAMES[kind]}.`,
          'model',
        );
      }
      return model;
    },
  };

  async function handleInference(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ) {
    const lifecycle = new RequestLifecycle(res, active, pacer);
    stats.inference(path);
    res.on('finish', () => stats.status(res.statusCode));
    const raw = await readBody(req);
    if (raw === null) return;
    if (raw === undefined) {
      sendJson(
        res,
        413,
        { detail: 'Request body too large' },
        { connection: 'close' },
      );
      return;
    }
    const plan = faults.plan(headerValue(req, FAULT_HEADER));
    stats.faults(plan.applied);
    try {
      if (plan.hang) {
        if (plan.hang === 'after-headers') {
          res.writeHead(200, {
            'content-type': peekStream(raw)
              ? 'text/event-stream; charset=utf-8'
              : 'application/json',
          });
          res.flushHeaders();
        }
        await lifecycle.untilAborted();
        return;
      }
      if (plan.fail) {
        if (!(await lifecycle.sleepUntil(lifecycle.arrival + plan.delayMs)))
          return;
        sendJson(res, plan.fail.status, plan.fail.toBody());
        return;
      }
      const body = parseJsonBody(raw, headerValue(req, 'content-type'));
      await INFERENCE_ROUTES[path]({ sim, req, lifecycle, plan, body });
    } catch (error) {
      sendError(res, error);
    }
  }

  async function handleAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ) {
    if (path === '/_sim/stats' && req.method === 'GET') {
      const load = Object.fromEntries(
        models.map(m => [
          m.name,
          { running: m.scheduler.running, waiting: m.scheduler.waiting },
        ]),
      );
      sendJson(res, 200, { ...stats.snapshot(active.size), load });
    } else if (path === '/_sim/faults' && req.method === 'GET') {
      sendJson(res, 200, faults.get());
    } else if (
      path === '/_sim/faults' &&
      (req.method === 'POST' || req.method === 'DELETE')
    ) {
      try {
        const raw = req.method === 'POST' ? await readBody(req) : '{}';
        if (raw === null) return;
        faults.set(JSON.parse(raw || '{}'));
        sendJson(res, 200, faults.get());
      } catch (error) {
        sendJson(res, 400, badRequest((error as Error).message).toBody());
      }
    } else if (path === '/_sim/reset' && req.method === 'POST') {
      stats.reset();
      faults.set(faults.get());
      sendJson(res, 200, {});
    } else {
      notFoundOrMethod(res, path);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    stats.request();
    const path = new URL(req.url ?? '/', 'http://sim').pathname;

    // vLLM's AuthenticationMiddleware: only /v1 routes, and never CORS preflights.
    if (apiKey && path.startsWith('/v1') && req.method !== 'OPTIONS') {
      if (headerValue(req, 'authorization') !== `Bearer ${apiKey}`) {
        sendJson(res, 401, { error: 'Unauthorized' });
        return;
      }
    }

    if (path in INFERENCE_ROUTES && req.method === 'POST') {
      await handleInference(req, res, path);
    } else if (path === '/health' && req.method === 'GET') {
      res.writeHead(faults.unhealthy ? 503 : 200, { 'content-length': 0 });
      res.end();
    } else if (path === '/metrics' && req.method === 'GET') {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(text);
    } else if (path === '/version' && req.method === 'GET') {
      sendJson(res, 200, { version: SIMULATED_VLLM_VERSION });
    } else if (path === '/v1/models' && req.method === 'GET') {
      handleModels(sim, res);
    } else if (path.startsWith('/_sim/')) {
      await handleAdmin(req, res, path);
    } else {
      notFoundOrMethod(res, path);
    }
  }

  // noDelay: every SSE chunk should leave at once rather than wait for Nagle.
  const server = http.createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch(error => sendError(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const urlHost =
    address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    host,
    port: address.port,
    models: models.flatMap(model => model.servedNames),
    close() {
      closing ??= new Promise<void>(resolve => {
        server.close(() => resolve());
        for (const lifecycle of [...active]) lifecycle.destroy();
        pacer.stop();
        server.closeAllConnections();
      });
      return closing;
    },
    setFaults: config => faults.set(config ?? {}),
    getFaults: () => faults.get(),
    stats: () => stats.snapshot(active.size),
    resetStats: () => stats.reset(),
  };
}

/** FastAPI's answers for routes that do not exist or do not take the method. */
const KNOWN_PATHS = new Set([
  ...Object.keys(INFERENCE_ROUTES),
  '/health',
  '/metrics',
  '/version',
  '/v1/models',
  '/_sim/stats',
  '/_sim/faults',
  '/_sim/reset',
]);

function notFoundOrMethod(res: ServerResponse, path: string) {
  if (KNOWN_PATHS.has(path))
    sendJson(res, 405, { detail: 'Method Not Allowed' });
  else sendJson(res, 404, { detail: 'Not Found' });
}

function sendError(res: ServerResponse, error: unknown) {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (error instanceof VllmError) {
    sendJson(res, error.status, error.toBody());
    return;
  }
  // A bug in the sim: answer as vLLM answers an unexpected exception, and say what it was.
  const vllmError = new VllmError(
    500,
    String((error as Error)?.message ?? error),
    'InternalServerError',
  );
  sendJson(res, 500, vllmError.toBody());
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The whole body as text; undefined if it is larger than the sim accepts, null if the client
 * went away. (Plain events rather than `for await`: cheaper when 500 requests arrive at once.)
 */
function readBody(req: IncomingMessage): Promise<string | undefined | null> {
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
    req.on('aborted', () => resolve(null));
  });
}

/** Whether a body asks for streaming, for the hang-after-headers fault's content type. */
function peekStream(raw: string): boolean {
  try {
    return JSON.parse(raw)?.stream === true;
  } catch {
    return false;
  }
}
