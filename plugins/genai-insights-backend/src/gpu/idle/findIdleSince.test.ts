import {
  findIdleSince,
  findIdleSinceInPoints,
  type IdleSinceOptions,
} from './findIdleSince';

const STEP = 15_000;
const MIN = 60_000;
const NOW = Date.parse('2026-12-30T12:00:00.000Z');

/** Samples every 15 s ending at `end`, one per value, oldest first. */
function samples(values: number[], end = NOW) {
  const times = values.map((_, i) => end - (values.length - 1 - i) * STEP);
  return { times, values };
}

const rule = (o: Partial<IdleSinceOptions> = {}): IdleSinceOptions => ({
  thresholdPercent: 5,
  windowMs: 30 * MIN,
  now: NOW,
  maxGapMs: 3 * STEP,
  ...o,
});

/** Both forms: parallel arrays and range-query points. */
const forms = [
  [
    'parallel arrays',
    (t: number[], v: number[], o: IdleSinceOptions) => findIdleSince(t, v, o),
  ],
  [
    'Float64Arrays',
    (t: number[], v: number[], o: IdleSinceOptions) =>
      findIdleSince(Float64Array.from(t), Float64Array.from(v), o),
  ],
  [
    'points',
    (t: number[], v: number[], o: IdleSinceOptions) =>
      findIdleSinceInPoints(
        t.map((time, i) => [time, v[i]] as [number, number]),
        o,
      ),
  ],
] as const;

describe.each(forms)('findIdleSince (%s)', (_, find) => {
  const idle = (n: number, value = 1) => new Array<number>(n).fill(value);

  it('is idle from the first sample when every sample is under the threshold', () => {
    // 35 minutes of samples (141 samples cover 35 min).
    const { times, values } = samples(idle(141));
    expect(find(times, values, rule())).toBe(NOW - 35 * MIN);
  });

  it('is idle exactly at the window, not a step before', () => {
    // 121 samples: the first is 30 min before now.
    const exact = samples(idle(121));
    expect(find(exact.times, exact.values, rule())).toBe(NOW - 30 * MIN);
    const short = samples(idle(120));
    expect(find(short.times, short.values, rule())).toBeUndefined();
  });

  it('starts the run after the last busy sample', () => {
    const values = [...idle(20), 90, ...idle(130)];
    const { times } = samples(values);
    // The busy sample is the 21st of 151; the run starts at the next one.
    expect(find(times, values, rule())).toBe(times[21]);
    expect(times[21]).toBe(NOW - 129 * STEP);
  });

  it('is broken by a single busy spike inside the window', () => {
    const values = [...idle(200), 40, ...idle(60)];
    const { times } = samples(values);
    expect(find(times, values, rule())).toBeUndefined();
    // ... and by a sample exactly at the threshold.
    const atThreshold = [...idle(200), 5, ...idle(60)];
    expect(find(times, atThreshold, rule())).toBeUndefined();
    expect(
      find(times, [...idle(200), 4.99, ...idle(60)], rule()),
    ).toBeDefined();
  });

  it('is not idle when the latest sample is busy', () => {
    const values = [...idle(200), 50];
    const { times } = samples(values);
    expect(find(times, values, rule())).toBeUndefined();
  });

  it('breaks the run at a gap longer than maxGapMs', () => {
    // 40 min of samples with a 2-minute hole 20 minutes ago: only the last 20 min count.
    const { times, values } = samples(idle(161));
    const hole = 80; // 20 min before now
    const t = [...times.slice(0, hole - 8), ...times.slice(hole)];
    const v = [...values.slice(0, hole - 8), ...values.slice(hole)];
    expect(find(t, v, rule())).toBeUndefined();
    expect(find(t, v, rule({ windowMs: 20 * MIN }))).toBe(NOW - 20 * MIN);
    // A gap of exactly maxGapMs does not break it.
    const t2 = [...times.slice(0, hole - 2), ...times.slice(hole)];
    const v2 = [...values.slice(0, hole - 2), ...values.slice(hole)];
    expect(find(t2, v2, rule())).toBe(NOW - 40 * MIN);
  });

  it('needs the latest sample within maxGapMs of now', () => {
    const { times, values } = samples(idle(200), NOW - 3 * STEP);
    expect(find(times, values, rule())).toBe(times[0]);
    const stale = samples(idle(200), NOW - 3 * STEP - 1);
    expect(find(stale.times, stale.values, rule())).toBeUndefined();
  });

  it('is undefined without samples', () => {
    expect(find([], [], rule())).toBeUndefined();
  });

  it('skips NaN values as missing samples', () => {
    const values = [...idle(130), NaN, NaN, ...idle(10)];
    const { times } = samples(values);
    expect(find(times, values, rule())).toBe(times[0]);
    // A trailing NaN: the latest real sample is what counts.
    const trailing = [...idle(141), NaN];
    expect(find(samples(trailing).times, trailing, rule())).toBe(
      NOW - 35 * MIN - STEP,
    );
    // Enough NaN in a row is a gap.
    const holed = [...idle(100), NaN, NaN, NaN, NaN, ...idle(40)];
    expect(find(samples(holed).times, holed, rule())).toBeUndefined();
    // All NaN: no samples.
    expect(
      find(
        times,
        values.map(() => NaN),
        rule(),
      ),
    ).toBeUndefined();
  });

  it('ignores samples after now', () => {
    const values = [...idle(141), 100, 100];
    const { times } = samples(values, NOW + 2 * STEP);
    expect(find(times, values, rule())).toBe(NOW - 35 * MIN);
  });

  it('never starts before the pod started', () => {
    // The same pod name, recreated 20 min ago: older samples are the old pod's.
    const { times, values } = samples(idle(200));
    const startedAt = NOW - 20 * MIN - 7_000;
    expect(find(times, values, rule({ startedAt }))).toBeUndefined();
    expect(find(times, values, rule({ startedAt, windowMs: 15 * MIN }))).toBe(
      NOW - 20 * MIN,
    );
    // Every sample before the pod started: none are its own.
    expect(
      find(times, values, rule({ startedAt: NOW + 1, windowMs: 0 })),
    ).toBeUndefined();
  });

  it('treats a zero threshold as never idle', () => {
    const { times, values } = samples(idle(200, 0));
    expect(find(times, values, rule({ thresholdPercent: 0 }))).toBeUndefined();
    expect(find(times, values, rule({ thresholdPercent: 0.1 }))).toBe(times[0]);
  });
});

describe('findIdleSince at fleet scale', () => {
  const GPUS = 1000;
  const SAMPLES = 5760; // 24 h of 15 s

  it('judges 1,000 GPUs × 5,760 samples in well under 2 s', () => {
    const times = new Float64Array(SAMPLES);
    for (let i = 0; i < SAMPLES; i++) {
      times[i] = NOW - (SAMPLES - 1 - i) * STEP;
    }
    // The worst case: every GPU idle for the whole day (the scan reads every sample), and a
    // tenth of them with a busy sample somewhere.
    const values: Float64Array[] = [];
    for (let g = 0; g < GPUS; g++) {
      const v = new Float64Array(SAMPLES).fill(1);
      if (g % 10 === 0) v[(g * 7) % SAMPLES] = 80;
      values.push(v);
    }
    const options = rule();
    let idle = 0;
    const started = process.hrtime.bigint();
    for (let g = 0; g < GPUS; g++) {
      if (findIdleSince(times, values[g], options) !== undefined) idle++;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // eslint-disable-next-line no-console
    console.log(
      `findIdleSince: ${GPUS} GPUs × ${SAMPLES} samples in ${ms.toFixed(1)} ms`,
    );
    expect(idle).toBeGreaterThan(GPUS * 0.9);
    expect(ms).toBeLessThan(500);
  });

  it('judges range-query points of 1,000 GPUs × 5,760 samples in well under 2 s', () => {
    const points: Array<[number, number]> = [];
    for (let i = 0; i < SAMPLES; i++) {
      points.push([NOW - (SAMPLES - 1 - i) * STEP, 1]);
    }
    const options = rule();
    const started = process.hrtime.bigint();
    let idle = 0;
    for (let g = 0; g < GPUS; g++) {
      if (findIdleSinceInPoints(points, options) !== undefined) idle++;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // eslint-disable-next-line no-console
    console.log(
      `findIdleSinceInPoints: ${GPUS} GPUs × ${SAMPLES} points in ${ms.toFixed(
        1,
      )} ms`,
    );
    expect(idle).toBe(GPUS);
    expect(ms).toBeLessThan(500);
  });
});
