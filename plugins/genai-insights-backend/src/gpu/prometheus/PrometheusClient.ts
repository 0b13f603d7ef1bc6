/*
 * Prometheus's HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/), as GPU
 * utilization uses it: instant and range queries, with a timeout on every request, a bound on
 * the body read, a short-lived LRU cache of answers and one request for concurrent identical
 * queries. Works against Prometheus itself and against a Thanos querier (same API).
 */
import { z } from 'zod';
import {
  PrometheusUnavailableError,
  type PromSample,
  type PromSeries,
  type PrometheusQueries,
} from '../types';

export interface PrometheusClientOptions {
  /** The API's base, e.g. `http://prometheus:9090` or a path prefix (`.../prometheus`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; never shown in messages. */
  token?: string;
  /** Every request (answer and body) must finish within this. */
  timeoutMs: number;
  /** How long a successful answer is reused; 0 turns caching off (single-flight stays). */
  cacheTtlMs: number;
  /** A range query's step is widened until no series has more points than this. Default 1100. */
  maxPointsPerSeries?: number;
  /** The most answers the cache holds (least recently used go first). Default 500. */
  maxCacheEntries?: number;
  /** A body larger than this is refused (bytes). Default 50 MB. */
  maxBodyBytes?: number;
  /** For tests. */
  fetch?: typeof fetch;
  /** For tests: the clock the cache expires by (unix ms). */
  now?: () => number;
}

/** Steps a range query is widened through, in seconds; past the last, the step doubles. */
const STEP_LADDER = [
  15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400,
];
const DEFAULT_MAX_POINTS = 1100;
const DEFAULT_MAX_CACHE_ENTRIES = 500;
const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
/** An error answer's body is read up to this much. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Queries whose form-encoded parameters are longer than this are POSTed (URL length limits). */
const MAX_GET_PARAMS_LENGTH = 6000;

const labelsSchema = z.record(z.string(), z.string());
/** `[unix seconds, "value"]`; values are strings ("NaN", "+Inf", "-Inf" happen). */
const samplePairSchema = z.tuple([z.number(), z.string()]);

const dataSchema = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('vector'),
    result: z.array(
      // Native histograms come as `histogram` without `value`: skipped.
      z.object({ metric: labelsSchema, value: samplePairSchema.optional() }),
    ),
  }),
  z.object({ resultType: z.literal('scalar'), result: samplePairSchema }),
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(
      z.object({
        metric: labelsSchema,
        values: z.array(samplePairSchema).optional(),
      }),
    ),
  }),
  z.object({ resultType: z.literal('string'), result: z.unknown() }),
]);

const successSchema = z.object({
  status: z.literal('success'),
  data: dataSchema,
});

const errorSchema = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

type PromData = z.infer<typeof dataSchema>;

interface CacheEntry {
  expires: number;
  value: unknown;
}

/** The message to show for a failed Prometheus call (e.g. as PrometheusStatus.reason). */
export function describePrometheusError(e: unknown): string {
  if (e instanceof PrometheusUnavailableError) return e.message;
  if (e instanceof Error)
    return `Prometheus could not be queried: ${e.message}`;
  return `Prometheus could not be queried: ${String(e)}`;
}

/** Prometheus's HTTP API; see the file's comment. */
export class PrometheusClient implements PrometheusQueries {
  private readonly baseUrl: string;
  /** The base URL without credentials or query, for messages. */
  private readonly shownUrl: string;
  private readonly token?: string;
  private readonly basicAuth?: string;
  /** Strings never shown in messages. */
  private readonly secrets: string[] = [];
  private readonly timeoutMs: number;
  private readonly cacheTtlMs: number;
  private readonly maxPoints: number;
  private readonly maxCacheEntries: number;
  private readonly maxBodyBytes: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  /** Insertion order is recency order: the first key is the least recently used. */
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(options: PrometheusClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error(`Prometheus URL "${options.baseUrl}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`Prometheus URL must be http(s), got ${url.protocol}`);
    }
    // Credentials in the URL (`http://user:pw@host`) become basic auth: fetch refuses them.
    if (url.username || url.password) {
      this.basicAuth = Buffer.from(
        `${decodeURIComponent(url.username)}:${decodeURIComponent(
          url.password,
        )}`,
      ).toString('base64');
      this.secrets.push(url.password, this.basicAuth);
    }
    this.baseUrl =
      `${url.protocol}//${url.host}${url.pathname}${url.search}`.replace(
        /\/+$/,
        '',
      );
    this.shownUrl = `${url.protocol}//${url.host}${url.pathname}`.replace(
      /\/+$/,
      '',
    );
    this.token = options.token || undefined;
    if (this.token) this.secrets.push(this.token);
    this.timeoutMs = options.timeoutMs;
    this.cacheTtlMs = Math.max(0, options.cacheTtlMs);
    this.maxPoints = options.maxPointsPerSeries ?? DEFAULT_MAX_POINTS;
    this.maxCacheEntries = options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    if (!(this.timeoutMs > 0)) {
      throw new Error('Prometheus timeoutMs must be positive');
    }
    if (!Number.isInteger(this.maxPoints) || this.maxPoints < 2) {
      throw new Error('Prometheus maxPointsPerSeries must be an integer >= 2');
    }
  }

  async instant(query: string, at?: Date): Promise<PromSample[]> {
    const params: Record<string, string> = { query };
    let atMs: number | null = null;
    if (at) {
      atMs = at.getTime();
      if (!Number.isFinite(atMs)) throw new Error('instant: invalid time');
      params.time = formatSeconds(atMs / 1000);
    }
    const samples = await this.cached(
      JSON.stringify(['instant', query, atMs]),
      async () => {
        const data = await this.request('/api/v1/query', params);
        if (data.resultType === 'scalar') {
          const value = parseValue(data.result[1]);
          return value === undefined ? [] : [{ labels: {}, value }];
        }
        if (data.resultType !== 'vector') {
          throw this.unexpected(
            `resultType "${data.resultType}" for an instant query`,
          );
        }
        const out: PromSample[] = [];
        for (const r of data.result) {
          const value = r.value ? parseValue(r.value[1]) : undefined;
          if (value !== undefined) out.push({ labels: r.metric, value });
        }
        return out;
      },
    );
    return samples.map(s => ({ labels: { ...s.labels }, value: s.value }));
  }

  async range(
    query: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<{ stepSeconds: number; series: PromSeries[] }> {
    const startMs = range.start.getTime();
    const endMs = range.end.getTime();
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) {
      throw new Error('range: invalid start or end');
    }
    if (startMs >= endMs) {
      throw new Error('range: start must be before end');
    }
    if (!Number.isFinite(range.stepSeconds) || range.stepSeconds < 1) {
      throw new Error(`range: stepSeconds must be >= 1 (${range.stepSeconds})`);
    }
    const { step, start, end } = alignRange(
      startMs / 1000,
      endMs / 1000,
      Math.ceil(range.stepSeconds),
      this.maxPoints,
    );
    const series = await this.cached(
      JSON.stringify(['range', query, start, end, step]),
      async () => {
        const data = await this.request('/api/v1/query_range', {
          query,
          start: String(start),
          end: String(end),
          step: String(step),
        });
        if (data.resultType !== 'matrix') {
          throw this.unexpected(
            `resultType "${data.resultType}" for a range query`,
          );
        }
        return data.result.map(r => {
          const points: Array<[number, number]> = [];
          for (const [t, v] of r.values ?? []) {
            const value = parseValue(v);
            if (value !== undefined) points.push([Math.round(t * 1000), value]);
          }
          return { labels: r.metric, points };
        });
      },
    );
    return {
      stepSeconds: step,
      series: series.map(s => ({
        labels: { ...s.labels },
        points: s.points.map(([t, v]) => [t, v] as [number, number]),
      })),
    };
  }

  /** The cached answer, the in-flight request for the same key, or a new request. */
  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      if (hit.expires > this.now()) {
        this.cache.set(key, hit);
        return Promise.resolve(hit.value as T);
      }
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const promise = load().then(
      value => {
        this.inFlight.delete(key);
        if (this.cacheTtlMs > 0 && this.maxCacheEntries > 0) {
          this.cache.set(key, { expires: this.now() + this.cacheTtlMs, value });
          while (this.cache.size > this.maxCacheEntries) {
            const oldest = this.cache.keys().next().value as string;
            this.cache.delete(oldest);
          }
        }
        return value;
      },
      error => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, promise);
    return promise;
  }

  /** One API call: the parsed `data` of a success answer, else PrometheusUnavailableError. */
  private async request(
    path: string,
    params: Record<string, string>,
  ): Promise<PromData> {
    const form = new URLSearchParams(params).toString();
    const post = form.length > MAX_GET_PARAMS_LENGTH;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    else if (this.basicAuth) headers.Authorization = `Basic ${this.basicAuth}`;
    if (post) headers['Content-Type'] = 'application/x-www-form-urlencoded';

    let status: number;
    let text: string;
    try {
      const response = await this.fetchImpl(
        post ? `${this.baseUrl}${path}` : `${this.baseUrl}${path}?${form}`,
        {
          method: post ? 'POST' : 'GET',
          headers,
          body: post ? form : undefined,
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'follow',
        },
      );
      status = response.status;
      if (status === 401 || status === 403) {
        await response.body?.cancel().catch(() => {});
        throw new PrometheusUnavailableError(
          this.token || this.basicAuth
            ? `Prometheus refused the portal's token (HTTP ${status})`
            : `Prometheus at ${this.shownUrl} requires a token (HTTP ${status}); none is configured`,
        );
      }
      text = await readBounded(
        response,
        response.ok ? this.maxBodyBytes : MAX_ERROR_BODY_BYTES,
        !response.ok,
      );
    } catch (e) {
      throw this.wrapTransportError(e);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const failure = errorSchema.safeParse(json);
    if (failure.success) {
      const detail = failure.data.errorType
        ? ` (HTTP ${status}, ${failure.data.errorType})`
        : ` (HTTP ${status})`;
      throw new PrometheusUnavailableError(
        this.redact(
          `Prometheus rejected the query: ${
            failure.data.error ?? 'no reason given'
          }${detail}`,
        ),
      );
    }
    if (status < 200 || status >= 300) {
      const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
      throw new PrometheusUnavailableError(
        this.redact(
          `Prometheus at ${this.shownUrl} answered HTTP ${status}${
            snippet ? `: ${snippet}` : ''
          }`,
        ),
      );
    }
    if (json === undefined) throw this.unexpected('not JSON');
    const parsed = successSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw this.unexpected(
        issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : '',
      );
    }
    return parsed.data.data;
  }

  private unexpected(detail: string): PrometheusUnavailableError {
    return new PrometheusUnavailableError(
      this.redact(
        `Prometheus answered with an unexpected body${
          detail ? ` (${detail})` : ''
        }`,
      ),
    );
  }

  private wrapTransportError(e: unknown): PrometheusUnavailableError {
    if (e instanceof PrometheusUnavailableError) return e;
    const name = (e as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new PrometheusUnavailableError(
        `Prometheus at ${this.shownUrl} did not answer within ${formatSeconds(
          this.timeoutMs / 1000,
        )} s`,
      );
    }
    return new PrometheusUnavailableError(
      this.redact(
        `Prometheus at ${this.shownUrl} did not answer: ${causeMessage(e)}`,
      ),
    );
  }

  /** Messages never carry the token or a password, whatever a server echoes. */
  private redact(message: string): string {
    let out = message;
    for (const secret of this.secrets) {
      if (secret) out = out.split(secret).join('***');
    }
    return out;
  }
}

/**
 * Start aligned down and end up to multiples of the step (unix seconds); the step widened
 * through STEP_LADDER (then doubled) until (end - start) / step + 1 <= maxPoints.
 */
export function alignRange(
  startSeconds: number,
  endSeconds: number,
  stepSeconds: number,
  maxPoints: number,
): { start: number; end: number; step: number } {
  let step = stepSeconds;
  for (;;) {
    const start = Math.floor(startSeconds / step) * step;
    const end = Math.ceil(endSeconds / step) * step;
    if ((end - start) / step + 1 <= maxPoints) return { start, end, step };
    step = widerStep(step);
  }
}

/** The next step of STEP_LADDER above `step`; past the ladder, twice `step`. */
function widerStep(step: number): number {
  return STEP_LADDER.find(s => s > step) ?? step * 2;
}

/** A sample value; undefined for NaN and ±Inf (or garbage). */
function parseValue(v: string): number | undefined {
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function formatSeconds(s: number): string {
  return String(Number(s.toFixed(3)));
}

/** The most telling message in a fetch error's cause chain (ECONNREFUSED, ENOTFOUND, ...). */
function causeMessage(e: unknown): string {
  type ErrorLike = {
    message?: unknown;
    code?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  let deepest: ErrorLike | undefined;
  let current: unknown = e;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    deepest = current as ErrorLike;
    current = deepest.cause;
  }
  if (!deepest) return String(e);
  // AggregateError (several addresses tried) carries the reasons in `errors`.
  if (Array.isArray(deepest.errors) && deepest.errors.length) {
    const first = deepest.errors[0] as ErrorLike;
    if (typeof first?.message === 'string' && first.message) {
      return first.message;
    }
  }
  if (typeof deepest.message === 'string' && deepest.message) {
    return deepest.message;
  }
  if (typeof deepest.code === 'string') return deepest.code;
  return String(e);
}

/** The body as text, refused past maxBytes (or cut there when `truncate`). */
async function readBounded(
  response: Response,
  maxBytes: number,
  truncate: boolean,
): Promise<string> {
  const length = Number(response.headers.get('content-length'));
  if (!truncate && Number.isFinite(length) && length > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => {});
      if (truncate) {
        return (
          text +
          decoder.decode(
            value.subarray(0, maxBytes - (bytes - value.byteLength)),
          )
        );
      }
      throw tooLarge(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function tooLarge(maxBytes: number): PrometheusUnavailableError {
  return new PrometheusUnavailableError(
    `Prometheus answered with a body over ${formatBytes(
      maxBytes,
    )}; narrow the query`,
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Number((bytes / 1024 / 1024).toFixed(1))} MB`
    : `${bytes} bytes`;
}
