import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  OVERHEAD_HEADER,
  REQUEST_ID_HEADER,
} from '@genai-portal/plugin-genai-playground-common';
import type { Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { UsageRecorder } from '../../metering/UsageRecorder';
import type { UsageRecord } from '../../metering/UsageStore';
import type { InferenceConfig } from '../config';
import type { BudgetSeeder } from '../limits/BudgetSeeder';
import {
  LimitStoreUnavailableError,
  type LimitStore,
  type Refusal,
  type Reservation,
} from '../limits/LimitStore';
import type { GatewayMetrics } from '../metrics/GatewayMetrics';
import type { ModelEntry, ModelRegistry } from '../models/ModelRegistry';
import type { Replica } from '../upstream/Replica';
import { UpstreamCall } from '../upstream/UpstreamCall';
import type { Caller } from './Caller';
import {
  GatewayError,
  sendGatewayError,
  sseErrorEvent,
  toGatewayError,
} from './errors';
import {
  ENDPOINT_PATHS,
  parseRequest,
  upstreamBody,
  upstreamErrorBody,
  type Endpoint,
  type RequestShape,
} from './requestShape';
import { SseUsageFilter } from './SseUsageFilter';
import type { GatewaySpan } from '../tracing/GatewaySpan';
import { findUsage, type TokenUsage } from './usage';
import { costMicros, worstCaseTokens } from './worstCase';

export interface InferenceProxyOptions {
  registry: ModelRegistry;
  limits: LimitStore;
  /** Seeds budget counters the limit store does not hold (absent: they start at zero). */
  seeder?: BudgetSeeder;
  recorder: UsageRecorder;
  metrics: GatewayMetrics;
  config: Pick<InferenceConfig, 'timeouts' | 'retries'> &
    Partial<Pick<InferenceConfig, 'requestLimits' | 'upstreamLimits'>>;
  logger: LoggerService;
}

/** One gateway call, as the router hands it over. */
export interface GatewayCall {
  endpoint: Endpoint;
  req: Request;
  res: Response;
  raw: Buffer;
  caller: Caller;
  /** performance.now() when the gateway got the request. */
  t0: number;
  /** Epoch ms, for the usage record. */
  startedAt: number;
  /** The call's `x-request-id`, sent on to the model server and metered. */
  requestId: string;
  /** The call's trace span, ended with the call (when it is traced). */
  span?: GatewaySpan;
}

/** How a call ended, for metering. */
interface Outcome {
  status: number;
  error?: string;
  usage?: TokenUsage;
  /** When the model server gave no usage: content chunks seen (about one token each). */
  chunks?: number;
  ttftMs?: number;
  /** False for a refusal that is not worth a usage row (see #refused). */
  metered?: boolean;
  /**
   * The answer's last bytes (the whole answer, the stream's `[DONE]` and end, the error), sent
   * only once the call's usage record is safe: see #finish.
   */
  reply?: () => void;
}

const MICROS = 1_000_000;
/** An error answer of a model server is read up to this much (its message is all that is used). */
const MAX_ERROR_BYTES = 64 * 1024;

/** Whose budget a budget subject id (`key:`, `env:`, `team:`) is, for messages. */
function budgetHolder(subject: string): string {
  if (subject.startsWith('env:')) return 'The environment';
  if (subject.startsWith('team:')) return `The team ${subject.slice(5)}`;
  return 'This API key';
}

/** Errors whose call is not metered (RPM refusals beyond the caller's RPM). */
const UNMETERED = new WeakSet<GatewayError>();

/** Whether the client is still there, and the request to abort when it goes. */
interface ClientState {
  gone: boolean;
  upstream: UpstreamCall | undefined;
}

/** undici's error codes for "could not talk to the server at all": safe to try elsewhere. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function overhead(ms: number): string {
  return ms.toFixed(3);
}

/**
 * Forwards OpenAI calls to a model's replicas: limits and budget reserved first, the least busy
 * available replica, retries with backoff on another replica for connection errors and 5xx
 * answers (before anything went to the client), streams passed through chunk by chunk. The
 * call's usage record is handed to the recorder before the answer's last bytes go out (see
 * #finish); the budget is settled in the background.
 */
export class InferenceProxy {
  readonly #options: InferenceProxyOptions;

  constructor(options: InferenceProxyOptions) {
    this.#options = options;
  }

  /** Calls being handled (until their answer's last byte went out). */
  #running = 0;
  /** Resolves drain()'s wait when the last running call ends. */
  #idle: (() => void) | undefined;

  async handle(call: GatewayCall): Promise<void> {
    this.#running++;
    try {
      await this.#handle(call);
    } finally {
      this.#running--;
      if (this.#running === 0) this.#idle?.();
    }
  }

  /**
   * Waits until no call is being handled, or `ms` at most (the shutdown hook's wait for the calls
   * under way, streams included, before metering closes); resolves with the calls still running.
   */
  async drain(ms: number): Promise<number> {
    if (this.#running > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>(resolve => (this.#idle = resolve)),
        new Promise<void>(resolve => (timer = setTimeout(resolve, ms))),
      ]);
      clearTimeout(timer);
      this.#idle = undefined;
    }
    return this.#running;
  }

  async #handle(call: GatewayCall): Promise<void> {
    let shape: RequestShape | undefined;
    let model: ModelEntry | undefined;
    let reservation: Reservation | undefined;
    let outcome: Outcome;
    let reserving = false;
    try {
      const parsed = parseRequest(
        call.endpoint,
        call.raw,
        this.#options.config.requestLimits,
      );
      shape = parsed.shape;
      model = this.#resolveModel(call, shape);
      reserving = true;
      reservation = await this.#reserve(call, shape, model);
      outcome = await this.#forward(
        call,
        shape,
        model,
        upstreamBody(call.raw, parsed.body, shape),
      );
    } catch (error) {
      let e = toGatewayError(error);
      if (e.status === 500) {
        this.#options.logger.error(`Inference gateway: ${error}`);
      }
      if (!reserving) e = await this.#countRefused(call, e);
      const refusal = e;
      outcome = {
        status: e.status,
        error: e.code ?? e.type,
        metered: !UNMETERED.has(e),
        reply: () =>
          sendGatewayError(call.res, refusal, {
            [OVERHEAD_HEADER]: overhead(performance.now() - call.t0),
          }),
      };
    }
    // acknowledged means recorded: the client gets the answer's end only once the record is in
    // the recorder (with Redis: in the stream, which outlives this process)
    await this.#finish(call, shape, model, reservation, outcome);
    outcome.reply?.();
  }

  /**
   * A call refused before it could reserve (bad input, an unknown or forbidden model) counts
   * toward the caller's RPM like any other, so that junk calls cannot be sent faster than good
   * ones; when the caller is over its RPM already, the answer is that 429.
   */
  async #countRefused(call: GatewayCall, e: GatewayError) {
    if (e.status >= 500) return e;
    try {
      const counted = await this.#options.limits.countCall(
        call.caller.rates,
        call.startedAt,
      );
      return counted.ok ? e : this.#refused(call, counted);
    } catch {
      // the limits store is down: the refusal stands, but with nothing to bound them such
      // calls are not metered
      UNMETERED.add(e);
      return e;
    }
  }

  /**
   * The 429 of a refusal. An RPM refusal beyond the caller's RPM in this minute is not metered:
   * a caller hammering its limit writes at most twice its RPM in usage rows per minute.
   */
  #refused(call: GatewayCall, result: Refusal, budgetMessage = '') {
    const headers = { 'retry-after': String(result.retryAfterSeconds) };
    if (result.limit === 'budget') {
      return new GatewayError(
        429,
        `${budgetHolder(
          result.subject,
        )} has not enough monthly budget left for this request${budgetMessage}`,
        { type: 'insufficient_quota', code: 'insufficient_quota', headers },
      );
    }
    const error = new GatewayError(
      429,
      `Rate limit reached: ${
        result.limit === 'rpm' ? 'requests' : 'tokens'
      } per minute of ${result.subject}. Try again in ${
        result.retryAfterSeconds
      }s.`,
      { type: 'rate_limit_error', code: 'rate_limit_exceeded', headers },
    );
    const rpm = call.caller.rates.find(r => r.id === result.subject)?.rpm ?? 0;
    if (result.limit === 'rpm' && (result.refused ?? 0) > rpm) {
      UNMETERED.add(error);
    }
    return error;
  }

  #resolveModel(call: GatewayCall, shape: RequestShape): ModelEntry {
    const model = this.#options.registry.get(shape.model);
    if (!model) {
      throw new GatewayError(404, `The model '${shape.model}' does not exist`, {
        param: 'model',
        code: 'model_not_found',
      });
    }
    const wanted = call.endpoint === 'embeddings' ? 'embedding' : 'chat';
    if (model.kind !== wanted) {
      throw new GatewayError(
        400,
        `The model '${model.name}' is ${
          model.kind === 'embedding' ? 'an embedding' : 'a chat'
        } model and does not serve ${ENDPOINT_PATHS[call.endpoint]}`,
        { param: 'model', code: 'model_not_supported' },
      );
    }
    const { caller } = call;
    if (caller.models && !caller.models.has(model.name)) {
      throw new GatewayError(
        403,
        `This API key may not use the model '${model.name}'; it may use: ${[
          ...caller.models,
        ].join(', ')}`,
        { param: 'model', code: 'model_not_allowed' },
      );
    }
    if (model.team && model.team !== caller.team) {
      throw new GatewayError(
        403,
        `The model '${model.name}' is served by ${model.team} for its own use`,
        { param: 'model', code: 'model_not_allowed' },
      );
    }
    return model;
  }

  /**
   * Counts the call against RPM and TPM (with a rough token estimate: a quarter of the body's
   * bytes), and reserves its worst case on every budget (see worstCaseTokens: every prompt,
   * every choice, every output-length field).
   */
  async #reserve(
    call: GatewayCall,
    shape: RequestShape,
    model: ModelEntry,
  ): Promise<Reservation> {
    const { caller } = call;
    const bytes = call.raw.length;
    const worst = worstCaseTokens(call.endpoint, shape, bytes, model);
    const amountMicros = caller.budgets.length
      ? Math.ceil(costMicros(worst, model))
      : 0;
    const { seeder } = this.#options;
    const request = {
      rates: caller.rates,
      tokens: Math.ceil(bytes / 4),
      budgets: caller.budgets,
      amountMicros,
      now: call.startedAt,
      requireSeeded: !!seeder,
    };
    let result = await this.#options.limits.reserve(request);
    if (!result.ok && 'unseeded' in result && seeder) {
      // the store lost (or never had) a budget's counter: seed it from the metered usage first
      await seeder.seed(result.unseeded, call.startedAt);
      result = await this.#options.limits.reserve(request);
    }
    if (result.ok) return result.reservation;
    if ('unseeded' in result) {
      throw new LimitStoreUnavailableError(
        `budget ${result.unseeded[0].id} could not be seeded`,
      );
    }
    throw this.#refused(
      call,
      result,
      ` (it reserves up to ${(amountMicros / MICROS).toFixed(
        6,
      )} for its worst case: ${worst.input} input and ${
        worst.output
      } output tokens, max_tokens x max(n, best_of) x prompts); lower max_tokens, n or the number of prompts, or raise the budget`,
    );
  }

  /** Sends to a replica, failing over; answers the client. */
  async #forward(
    call: GatewayCall,
    shape: RequestShape,
    model: ModelEntry,
    payload: Buffer,
  ): Promise<Outcome> {
    const { res } = call;
    const client: ClientState = { gone: false, upstream: undefined };
    const onClose = () => {
      if (res.writableFinished) return;
      client.gone = true;
      client.upstream?.abort(new Error('the client went away'));
    };
    res.once('close', onClose);
    try {
      const sent = await this.#send(call, shape, model, payload, client);
      const { replica, upstream, status, headers, sentAt } = sent;
      call.span?.setUpstream(replica.url);
      try {
        if (status >= 400) {
          return await this.#passError(call, model, upstream, status, sentAt);
        }
        const type = String(headers['content-type'] ?? '');
        if (shape.stream && type.startsWith('text/event-stream')) {
          return await this.#stream(
            call,
            shape,
            model,
            upstream,
            sentAt,
            client,
          );
        }
        return await this.#whole(call, upstream, status, type, sentAt);
      } finally {
        replica.outstanding--;
      }
    } catch (error) {
      // (not req.destroyed: a request whose body was read is destroyed, its client still waits)
      if (client.gone || res.destroyed) {
        return { status: 499, error: 'client_closed' };
      }
      throw error;
    } finally {
      res.off('close', onClose);
    }
  }

  /**
   * Tries replicas: connection errors and 5xx answers move on to another replica (or the same,
   * when it is the only one) after a backoff, up to `retries.attempts` more times; a timeout
   * waiting for the answer is not retried (the model may be busy, a retry would double the wait).
   */
  async #send(
    call: GatewayCall,
    shape: RequestShape,
    model: ModelEntry,
    payload: Buffer,
    client: ClientState,
  ): Promise<{
    replica: Replica;
    upstream: UpstreamCall;
    status: number;
    headers: IncomingHttpHeaders;
    sentAt: number;
  }> {
    const { retries, timeouts } = this.#options.config;
    const { metrics } = this.#options;
    const tried: Replica[] = [];
    const headers = {
      'content-type': 'application/json',
      accept: shape.stream ? 'text/event-stream' : 'application/json',
      // vLLM takes it as its own request id (--enable-request-id-headers): one id in both logs
      [REQUEST_ID_HEADER]: call.requestId,
    };
    call.span?.injectInto(headers);
    let lastError: GatewayError | undefined;
    for (let attempt = 0; attempt <= retries.attempts; attempt++) {
      if (attempt > 0) {
        const base = retries.baseDelayMs * 2 ** (attempt - 1);
        await sleep(base / 2 + Math.random() * base);
        if (client.gone) throw new Error('the client went away');
      }
      const replica =
        model.replicas.pick(tried) ??
        (tried.length ? model.replicas.pick() : undefined);
      if (!replica) break;
      tried.push(replica);
      replica.outstanding++;
      const sentAt = performance.now();
      const upstream = new UpstreamCall();
      client.upstream = upstream;
      let status: number;
      let responseHeaders: IncomingHttpHeaders;
      try {
        upstream.dispatch(replica.pool, {
          method: 'POST',
          path: ENDPOINT_PATHS[call.endpoint],
          headers,
          body: payload,
          headersTimeout: timeouts.firstTokenMs,
          bodyTimeout: timeouts.chunkMs,
        });
        ({ status, headers: responseHeaders } = await upstream.started);
      } catch (error) {
        replica.outstanding--;
        if (client.gone) throw error;
        const code = (error as { code?: string }).code ?? '';
        this.#replicaFailed(model, replica);
        if (code === 'UND_ERR_HEADERS_TIMEOUT') {
          metrics.upstreamErrors.inc({ model: model.name, reason: 'timeout' });
          throw new GatewayError(
            504,
            `The model server for '${model.name}' did not answer within ${timeouts.firstTokenMs} ms`,
            { type: 'api_error', code: 'upstream_timeout' },
          );
        }
        metrics.upstreamErrors.inc({ model: model.name, reason: 'connect' });
        lastError = new GatewayError(
          502,
          `Could not reach a model server for '${model.name}': ${
            CONNECT_ERRORS.has(code) ? code : (error as Error).message
          }`,
          { type: 'api_error', code: 'upstream_unreachable' },
        );
        continue;
      }
      if (status >= 500) {
        this.#replicaFailed(model, replica);
        metrics.upstreamErrors.inc({
          model: model.name,
          reason: `status_${status}`,
        });
        if (attempt < retries.attempts) {
          replica.outstanding--;
          const text = await upstream.body(MAX_ERROR_BYTES).then(
            b => b.toString('utf8'),
            () => '',
          );
          lastError = this.#statusError(model, status, text);
          continue;
        }
      } else {
        replica.succeeded();
      }
      return { replica, upstream, status, headers: responseHeaders, sentAt };
    }
    if (lastError) throw lastError;
    throw new GatewayError(
      503,
      `No replica of '${model.name}' is available: all are cooling down after failures`,
      {
        type: 'api_error',
        code: 'upstream_unavailable',
        headers: {
          'retry-after': String(model.replicas.secondsUntilAvailable()),
        },
      },
    );
  }

  #replicaFailed(model: ModelEntry, replica: Replica) {
    if (replica.failed()) {
      this.#options.metrics.upstreamErrors.inc({
        model: model.name,
        reason: 'cooled_down',
      });
      this.#options.logger.warn(
        `Inference gateway: replica ${replica.url} of ${model.name} keeps failing; cooling it down`,
      );
    }
  }

  #statusError(model: ModelEntry, status: number, text: string) {
    let detail = text.slice(0, 300);
    try {
      detail = JSON.parse(text)?.error?.message ?? detail;
    } catch {
      // keep the text
    }
    return new GatewayError(
      status === 503 || status === 504 ? status : 502,
      `The model server for '${model.name}' failed (${status}): ${detail}`,
      { type: 'api_error', code: 'upstream_error' },
    );
  }

  /** A 4xx or final 5xx of the model server: 4xx as it is (vLLM's are OpenAI-shaped). */
  async #passError(
    call: GatewayCall,
    model: ModelEntry,
    upstream: UpstreamCall,
    status: number,
    sentAt: number,
  ): Promise<Outcome> {
    let text: string;
    try {
      text = (await upstream.body(MAX_ERROR_BYTES)).toString('utf8');
    } catch (error) {
      if (call.res.destroyed) throw error;
      throw new GatewayError(
        502,
        `The model server for '${
          model.name
        }' failed (${status}) and its answer could not be read: ${
          (error as { code?: string }).code ?? (error as Error).message
        }`,
        { type: 'api_error', code: 'upstream_error' },
      );
    }
    const receivedAt = performance.now();
    let body: string;
    let answered = status;
    if (status >= 500 || status === 401 || status === 403) {
      // a 401/403 of the model server is about the gateway's access, not the client's key
      const e = this.#statusError(model, status, text);
      body = JSON.stringify(e.toJSON());
      answered = e.status;
    } else {
      body = upstreamErrorBody(status, text);
    }
    return {
      status: answered,
      error: answered >= 500 ? 'upstream_error' : 'upstream_rejected',
      reply: () =>
        this.#respond(
          call,
          answered,
          body,
          sentAt,
          receivedAt,
          'application/json',
        ),
    };
  }

  /** A whole (non-streamed) answer: read, usage found, sent on. */
  async #whole(
    call: GatewayCall,
    upstream: UpstreamCall,
    status: number,
    contentType: string,
    sentAt: number,
  ): Promise<Outcome> {
    let body: Buffer;
    try {
      body = await upstream.body(
        this.#options.config.upstreamLimits?.maxResponseBytes,
      );
    } catch (error) {
      if (call.res.destroyed) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'UPSTREAM_TOO_LARGE') {
        throw new GatewayError(
          502,
          `The model server's answer was too large: ${
            (error as Error).message
          }`,
          { type: 'api_error', code: 'upstream_too_large' },
        );
      }
      throw new GatewayError(
        code === 'UND_ERR_BODY_TIMEOUT' ? 504 : 502,
        `The model server stopped answering half way: ${
          code ?? (error as Error).message
        }`,
        { type: 'api_error', code: 'upstream_cut' },
      );
    }
    const receivedAt = performance.now();
    return {
      status,
      usage: findUsage(body),
      reply: () =>
        this.#respond(
          call,
          status,
          body,
          sentAt,
          receivedAt,
          contentType || 'application/json',
        ),
    };
  }

  #respond(
    call: GatewayCall,
    status: number,
    body: Buffer | string,
    sentAt: number,
    receivedAt: number,
    contentType: string,
  ) {
    const { res } = call;
    const ms = sentAt - call.t0 + (performance.now() - receivedAt);
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      [OVERHEAD_HEADER]: overhead(ms),
    });
    res.end(body);
  }

  /** A stream: headers at once, then each chunk as it arrives, the usage chunk filtered. */
  #stream(
    call: GatewayCall,
    shape: RequestShape,
    model: ModelEntry,
    upstream: UpstreamCall,
    sentAt: number,
    client: ClientState,
  ): Promise<Outcome> {
    const { res } = call;
    const headersAt = performance.now();
    const filter = new SseUsageFilter({
      clientWantsUsage: shape.clientWantsUsage,
      maxEventBytes: this.#options.config.upstreamLimits?.maxEventBytes,
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: compression middleware must not hold chunks back
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      [OVERHEAD_HEADER]: overhead(
        sentAt - call.t0 + (performance.now() - headersAt),
      ),
    });
    res.flushHeaders();
    let ttftMs: number | undefined;
    const resume = () => upstream.resume();
    return new Promise<Outcome>(resolve => {
      upstream.pipe({
        data: chunk => {
          const out = filter.push(chunk);
          if (filter.overflow) {
            upstream.abort(
              Object.assign(
                new Error(
                  `an event longer than ${
                    this.#options.config.upstreamLimits?.maxEventBytes
                  } bytes`,
                ),
                { code: 'UPSTREAM_EVENT_TOO_LARGE' },
              ),
            );
            return;
          }
          if (ttftMs === undefined && filter.chunks > 0) {
            ttftMs = performance.now() - call.t0;
            this.#options.metrics.ttft.observe(
              { model: model.name },
              ttftMs / 1000,
            );
          }
          if (out && !res.write(out)) {
            // a slow client: hold the model server back rather than buffer
            upstream.pause();
            res.once('drain', resume);
          }
        },
        end: () => {
          // (the filter holds `[DONE]` back: it goes with the end, after the record)
          const tail = filter.end();
          resolve({
            reply: () => res.end(tail),
            status: filter.errorMessage ? 502 : 200,
            error: filter.errorMessage ? 'upstream_stream_error' : undefined,
            usage: filter.usage,
            chunks: filter.chunks,
            ttftMs,
          });
        },
        error: (error: Error & { code?: string }) => {
          res.off('drain', resume);
          if (client.gone || res.destroyed) {
            resolve({
              status: 499,
              error: 'client_closed',
              usage: filter.usage,
              chunks: filter.chunks,
              ttftMs,
            });
            return;
          }
          const timeout = error.code === 'UND_ERR_BODY_TIMEOUT';
          const tooLarge = error.code === 'UPSTREAM_EVENT_TOO_LARGE';
          this.#options.metrics.upstreamErrors.inc({
            model: model.name,
            reason: timeout ? 'chunk_timeout' : 'stream_cut',
          });
          let message = `The model server for '${
            model.name
          }' broke off the stream: ${error.code ?? error.message}`;
          if (timeout) {
            message = `The model server for '${model.name}' sent nothing for ${
              this.#options.config.timeouts.chunkMs
            } ms; the stream was cut`;
          } else if (tooLarge) {
            message = `The model server for '${model.name}' sent ${error.message}; the stream was cut`;
          }
          let code = 'upstream_cut';
          if (timeout) code = 'upstream_timeout';
          else if (tooLarge) code = 'upstream_too_large';
          const e = new GatewayError(timeout ? 504 : 502, message, {
            type: 'api_error',
            code,
          });
          const tail = filter.end() + sseErrorEvent(e);
          resolve({
            reply: () => res.end(tail),
            status: e.status,
            error: timeout ? 'chunk_timeout' : 'stream_cut',
            usage: filter.usage,
            chunks: filter.chunks,
            ttftMs,
          });
        },
      });
    });
  }

  /**
   * Settles the reservation (in the background) and meters the call: resolves once the usage
   * record is as safe as the recorder makes it (RedisUsageRecorder: added to the stream, or kept
   * in memory when Redis refuses; MemoryUsageRecorder: in memory, so without Redis a crash loses
   * up to a flush interval of records, the dev and test mode). Never rejects.
   */
  async #finish(
    call: GatewayCall,
    shape: RequestShape | undefined,
    model: ModelEntry | undefined,
    reservation: Reservation | undefined,
    outcome: Outcome,
  ): Promise<void> {
    // what the model server reports (or the estimate without a report) is believed up to what
    // the request could produce: a server in a team namespace must not charge more than that
    const bounds =
      shape && model
        ? worstCaseTokens(call.endpoint, shape, call.raw.length, model)
        : { input: 0, output: 0 };
    const inputTokens = Math.min(
      outcome.usage?.promptTokens ??
        (outcome.chunks ? Math.ceil(call.raw.length / 4) : 0),
      bounds.input,
    );
    const outputTokens = Math.min(
      outcome.usage?.completionTokens ?? outcome.chunks ?? 0,
      bounds.output,
    );
    const actualMicros = model
      ? costMicros({ input: inputTokens, output: outputTokens }, model)
      : 0;
    if (reservation) {
      this.#options.limits
        .settle(reservation, {
          tokens: inputTokens + outputTokens,
          costMicros: actualMicros,
        })
        .catch(error =>
          this.#options.logger.warn(
            `Inference gateway: settling failed: ${error}`,
          ),
        );
    }
    // a name the caller made up is not kept: usage groups and metric labels stay bounded
    const modelName =
      model?.name ??
      (shape && this.#options.registry.get(shape.model)
        ? shape.model
        : 'unknown');
    if (model)
      this.#options.metrics.countTokens(modelName, inputTokens, outputTokens);
    call.span?.end({
      status: outcome.status,
      error: outcome.error,
      requestModel: shape?.model,
      responseModel: outcome.status < 400 ? model?.name : undefined,
      stream: shape?.stream,
      inputTokens,
      outputTokens,
      ttftMs: outcome.ttftMs,
    });
    if (outcome.metered === false) return;
    const { caller } = call;
    const record: UsageRecord = {
      at: new Date(call.startedAt).toISOString(),
      team: caller.team,
      model: modelName,
      endpoint: call.endpoint,
      inputTokens,
      outputTokens,
      cost: actualMicros / MICROS,
      latencyMs: Math.round((performance.now() - call.t0) * 1000) / 1000,
      status: outcome.status,
      stream: shape?.stream ?? false,
      requestId: call.requestId,
    };
    if (caller.keyId) record.keyId = caller.keyId;
    if (caller.userRef) record.userRef = caller.userRef;
    if (caller.environmentId) record.environmentId = caller.environmentId;
    if (outcome.ttftMs !== undefined)
      record.ttftMs = Math.round(outcome.ttftMs * 1000) / 1000;
    if (outcome.error) record.error = outcome.error.slice(0, 64);
    try {
      await this.#options.recorder.record(record);
    } catch (error) {
      // recorders do not reject; should one, the answer still goes out
      this.#options.logger.error(
        `Inference gateway: metering call ${call.requestId} failed: ${error}`,
      );
    }
  }
}
