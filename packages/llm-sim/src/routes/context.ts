/**
 * What a route handler gets, and the JSON writer they share.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelKind, ModelRuntime } from '../engine';
import type { FaultPlan } from '../faults';
import type { RequestLifecycle } from '../lifecycle';
import type { StatsRecorder } from '../stats';

/** Server-wide state the routes read. */
export interface SimContext {
  /** Default seed, used when a request carries none. */
  seed: number;
  /** Unix seconds at start: `created` of the model cards, as vLLM reports load time. */
  startedAt: number;
  models: ModelRuntime[];
  stats: StatsRecorder;
  /**
   * The model a request names (or the first of `kind` when it names none, as vLLM serves its
   * only model then); throws vLLM's 404 for unknown names, 400 for a model of the wrong kind.
   */
  resolveModel(requested: string | undefined, kind: ModelKind): ModelRuntime;
}

export interface RouteContext {
  sim: SimContext;
  req: IncomingMessage;
  lifecycle: RequestLifecycle;
  plan: FaultPlan;
  body: Record<string, unknown>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** vLLM-style ids: a prefix and 32 hex digits (uuid4().hex). */
export function randomId(prefix: string): string {
  return `${prefix}-${randomUUID().replace(/-/g, '')}`;
}

/**
 * The id of an answer as vLLM's OpenAI server makes it: the prefix and the request's
 * `X-Request-Id` header when it has one (vLLM's `_base_request_id`), else a random one.
 */
export function answerId(prefix: string, req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && sent
    ? `${prefix}-${sent}`
    : randomId(prefix);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
