/**
 * What "acknowledged means recorded" costs a gateway call: the time `record()` takes, which the
 * gateway now awaits before an answer's last bytes. With RedisUsageRecorder that is one XADD to
 * the usage stream; with MemoryUsageRecorder (no Redis) a push to an array.
 *
 * Usage: node -r @backstage/cli/config/nodeTransform.cjs bench/recordCost.ts
 *   [--redis redis://127.0.0.1:6379] [--rounds 5] [--calls 1000]
 * Prints, per recorder, the median over the rounds of each round's p50 and p99 of one record()'s
 * wait (µs) and of the records per second, one call at a time (what one call waits) and 64 at a
 * time (what a busy replica's calls wait, queueing included).
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MemoryUsageRecorder } from '../src/metering/MemoryUsageRecorder';
import { RedisUsageRecorder } from '../src/metering/RedisUsageRecorder';
import type { UsageRecorder } from '../src/metering/UsageRecorder';
import type { UsageRecord, UsageStore } from '../src/metering/UsageStore';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const logger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => logger,
};
/** The database is not what is measured: the drain's inserts go nowhere. */
const store = { insert: async () => {} } as unknown as UsageStore;

const record = (i: number): UsageRecord => ({
  at: new Date().toISOString(),
  team: 'group:default/bench',
  model: 'bench/fast',
  endpoint: 'chat',
  inputTokens: 12,
  outputTokens: 8,
  cost: 0.0000072,
  latencyMs: 7.5,
  status: 200,
  stream: false,
  requestId: `req_${i}`,
  keyId: '00000000-0000-4000-8000-000000000001',
  environmentId: 'bench-env',
});

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** One round: `calls` records, `concurrency` at a time; each record()'s wait, µs. */
async function round(
  recorder: UsageRecorder,
  calls: number,
  concurrency: number,
): Promise<{ p50: number; p99: number; perSecond: number }> {
  const waits: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const i = next++;
        const t = performance.now();
        await recorder.record(record(i));
        waits.push((performance.now() - t) * 1000);
      }
    }),
  );
  return {
    p50: quantile(waits, 0.5),
    p99: quantile(waits, 0.99),
    perSecond: (calls / (performance.now() - start)) * 1000,
  };
}

async function measure(name: string, recorder: UsageRecorder) {
  const rounds = Number(arg('rounds', '5'));
  const calls = Number(arg('calls', '1000'));
  await round(recorder, 200, 1); // warm-up
  for (const concurrency of [1, 64]) {
    const results = [];
    for (let r = 0; r < rounds; r++) {
      results.push(await round(recorder, calls, concurrency));
    }
    const median = (f: (x: (typeof results)[number]) => number) =>
      quantile(results.map(f), 0.5).toFixed(0);
    process.stdout.write(
      `${name}, ${concurrency} at a time: record() p50 ${median(
        x => x.p50,
      )} µs, p99 ${median(x => x.p99)} µs, ${median(
        x => x.perSecond,
      )} records/s (median of ${rounds} rounds of ${calls})\n`,
    );
  }
  await recorder.close();
}

async function main() {
  const options = { store, logger, flushIntervalMs: 1_000, batchSize: 500 };
  await measure('MemoryUsageRecorder', new MemoryUsageRecorder(options));
  const url = arg('redis', process.env.BENCH_REDIS_URL ?? '');
  if (url) {
    await measure(
      'RedisUsageRecorder (XADD)',
      await RedisUsageRecorder.connect({
        ...options,
        url,
        // a stream of this run's own, drained (and so emptied) by the recorder itself
        streamKey: `record-cost-bench:${randomBytes(4).toString('hex')}`,
        claimIdleMs: 30_000,
      }),
    );
  }
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
