import { formatReport, runBenchmark } from './bench';

it('the benchmark runs end to end (tiny, on one thread)', async () => {
  const report = await runBenchmark({
    concurrency: 20,
    rounds: 1,
    baselineRequests: 2,
    ttftMs: 5,
    tpotMs: 2,
    tokens: 8,
    sameThread: true,
    model: 'bench/model',
  });
  expect(report.loaded.errors).toBe(0);
  expect(report.loaded.chunks).toBe(20 * 8);
  expect(report.baseline.chunks).toBe(2 * 8);
  // Pacing itself is asserted in latency.test.ts; here only that gaps were measured.
  expect(Number.isFinite(report.loaded.gapP99)).toBe(true);
  expect(formatReport(report)).toContain('chunk gap p99 (ms)');
});
