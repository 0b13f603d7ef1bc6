/**
 * Fault injection for the portal's tests (sim-only; nothing like it exists in vLLM).
 *
 * Faults apply to the inference routes (/v1/chat/completions, /v1/completions, /v1/embeddings).
 * They are set at start (`faults` option, config file), replaced at runtime with
 * `POST /_sim/faults` or `setFaults()`, and can be forced for one request with the
 * `x-llm-sim-fault` header. Everything is deterministic: `failFirst` counts requests, and
 * `failRate` draws from a PRNG seeded with the server's seed, so the same sequence of requests
 * meets the same faults on every run.
 */
import { VllmError, injectedFailure } from './errors';
import { mulberry32 } from './generate';

export interface FaultConfig {
  /** Fraction of requests (0..1) that fail with `failStatus`. */
  failRate?: number;
  /** The first N requests after the faults were set fail with `failStatus`. */
  failFirst?: number;
  /** Status for failRate/failFirst: 500 (default) or e.g. 503, 429. */
  failStatus?: number;
  /** Every request answers this status with a vLLM-style error body. */
  status?: number;
  /**
   * Accept requests and never answer: `true`/'before-headers' sends nothing at all,
   * 'after-headers' sends the status line and headers, then nothing.
   */
  hang?: boolean | 'before-headers' | 'after-headers';
  /** Destroy the connection after this many SSE chunks (non-streaming: mid-body). */
  closeMidStream?: number;
  /** Send vLLM's in-stream error event after this many chunks, then [DONE]. */
  errorMidStream?: number;
  /** Extra latency before the first token (or the whole response), in ms. */
  delayMs?: number;
  /** GET /health answers 503, as vLLM does once its engine is dead. */
  unhealthy?: boolean;
}

const KEYS: Array<keyof FaultConfig> = [
  'failRate',
  'failFirst',
  'failStatus',
  'status',
  'hang',
  'closeMidStream',
  'errorMidStream',
  'delayMs',
  'unhealthy',
];

/** What happens to one request. */
export interface FaultPlan {
  fail?: VllmError;
  hang?: 'before-headers' | 'after-headers';
  closeAfterChunks?: number;
  errorAfterChunks?: number;
  delayMs: number;
  /** Names of the faults applied, for stats. */
  applied: string[];
}

export const FAULT_HEADER = 'x-llm-sim-fault';
const DEFAULT_SLOW_MS = 1000;

/** Checks a fault config from an untrusted source (admin endpoint, config file). */
export function parseFaultConfig(value: unknown): FaultConfig {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('faults must be an object');
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KEYS.includes(key as keyof FaultConfig)) {
      throw new Error(`unknown fault '${key}'; known: ${KEYS.join(', ')}`);
    }
  }
  const number = (
    key: keyof FaultConfig,
    min: number,
    max: number,
    integer: boolean,
  ) => {
    const v = input[key];
    if (v === undefined || v === null) return undefined;
    if (
      typeof v !== 'number' ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    ) {
      throw new Error(
        `${key} must be ${
          integer ? 'an integer' : 'a number'
        } in [${min}, ${max}]`,
      );
    }
    return v;
  };
  const hang = input.hang;
  if (
    hang !== undefined &&
    hang !== null &&
    typeof hang !== 'boolean' &&
    hang !== 'before-headers' &&
    hang !== 'after-headers'
  ) {
    throw new Error(
      "hang must be true, false, 'before-headers' or 'after-headers'",
    );
  }
  if (input.unhealthy !== undefined && typeof input.unhealthy !== 'boolean') {
    throw new Error('unhealthy must be a boolean');
  }
  const config: FaultConfig = {
    failRate: number('failRate', 0, 1, false),
    failFirst: number('failFirst', 0, Number.MAX_SAFE_INTEGER, true),
    failStatus: number('failStatus', 400, 599, true),
    status: number('status', 400, 599, true),
    hang: (hang ?? undefined) as FaultConfig['hang'],
    closeMidStream: number('closeMidStream', 0, Number.MAX_SAFE_INTEGER, true),
    errorMidStream: number('errorMidStream', 0, Number.MAX_SAFE_INTEGER, true),
    delayMs: number('delayMs', 0, 3_600_000, false),
    unhealthy: input.unhealthy as boolean | undefined,
  };
  for (const key of KEYS) if (config[key] === undefined) delete config[key];
  return config;
}

export class FaultController {
  private config: FaultConfig = {};
  private seen = 0;
  private random: () => number;

  constructor(private readonly seed: number, config?: FaultConfig) {
    this.random = mulberry32(seed);
    this.set(config ?? {});
  }

  /** Replaces the faults and restarts the counters, so failFirst and failRate replay the same. */
  set(config: FaultConfig) {
    this.config = parseFaultConfig(config);
    this.seen = 0;
    this.random = mulberry32(this.seed);
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  get unhealthy(): boolean {
    return this.config.unhealthy === true;
  }

  /** Decides the fate of one inference request; `header` is the x-llm-sim-fault value. */
  plan(header: string | undefined): FaultPlan {
    const c = this.config;
    const plan: FaultPlan = { delayMs: c.delayMs ?? 0, applied: [] };
    this.seen += 1;
    const failStatus = c.failStatus ?? 500;
    if (c.status !== undefined) {
      plan.fail = injectedFailure(c.status);
    } else if (c.failFirst !== undefined && this.seen <= c.failFirst) {
      plan.fail = injectedFailure(failStatus);
    } else if (
      c.failRate !== undefined &&
      c.failRate > 0 &&
      this.random() < c.failRate
    ) {
      plan.fail = injectedFailure(failStatus);
    }
    if (c.hang)
      plan.hang =
        c.hang === 'after-headers' ? 'after-headers' : 'before-headers';
    plan.closeAfterChunks = c.closeMidStream;
    plan.errorAfterChunks = c.errorMidStream;
    if (header) applyHeader(plan, header);
    if (plan.fail) plan.applied.push('fail');
    if (plan.hang) plan.applied.push('hang');
    if (plan.closeAfterChunks !== undefined)
      plan.applied.push('closeMidStream');
    if (plan.errorAfterChunks !== undefined)
      plan.applied.push('errorMidStream');
    if (plan.delayMs > 0) plan.applied.push('delay');
    return plan;
  }
}

/**
 * Header grammar: comma-separated directives, each with an optional `:argument`:
 * `fail[:status]`, `hang`, `hang-after-headers`, `close-mid-stream[:chunks]`,
 * `error-mid-stream[:chunks]`, `slow[:ms]`. Unknown directives are ignored.
 */
function applyHeader(plan: FaultPlan, header: string) {
  for (const directive of header.split(',')) {
    const [name, arg] = directive.trim().toLowerCase().split(':');
    const n = arg === undefined || arg === '' ? undefined : Number(arg);
    const count =
      n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
    switch (name) {
      case 'fail':
        plan.fail = injectedFailure(
          count !== undefined && count >= 400 && count <= 599 ? count : 500,
        );
        break;
      case 'hang':
        plan.hang = 'before-headers';
        break;
      case 'hang-after-headers':
        plan.hang = 'after-headers';
        break;
      case 'close-mid-stream':
        plan.closeAfterChunks = count ?? 2;
        break;
      case 'error-mid-stream':
        plan.errorAfterChunks = count ?? 2;
        break;
      case 'slow':
        plan.delayMs += count ?? DEFAULT_SLOW_MS;
        break;
      default:
        break;
    }
  }
}
