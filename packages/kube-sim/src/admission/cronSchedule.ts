/**
 * A CronJob's schedule as the API server checks it: robfig/cron's standard parser (five fields or
 * a descriptor), with its error messages, which the server puts in the 422 as they are.
 */

interface Bounds {
  min: number;
  max: number;
  names?: string[];
}

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

class ScheduleError extends Error {}

function parseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) {
    throw new ScheduleError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(
        expr,
      )}: invalid syntax`,
    );
  }
  const n = Number(expr);
  if (n < 0)
    throw new ScheduleError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, bounds: Bounds): number {
  const named = bounds.names?.indexOf(expr.toLowerCase()) ?? -1;
  if (named >= 0) return named + (bounds.names === MONTHS ? 1 : 0);
  return parseInt(expr);
}

function checkRange(expr: string, bounds: Bounds) {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], bounds);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2)
      end = parseIntOrName(lowAndHigh[1], bounds);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt(rangeAndStep[1]);
    // "N/step" means from N to the maximum.
    if (lowAndHigh.length === 1) end = bounds.max;
  } else if (rangeAndStep.length > 2) {
    throw new ScheduleError(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) {
    throw new ScheduleError(
      `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`,
    );
  }
  if (end > bounds.max) {
    throw new ScheduleError(
      `end of range (${end}) above maximum (${bounds.max}): ${expr}`,
    );
  }
  if (start > end) {
    throw new ScheduleError(
      `beginning of range (${start}) beyond end of range (${end}): ${expr}`,
    );
  }
  if (step === 0) {
    throw new ScheduleError(
      `step of range should be a positive number: ${expr}`,
    );
  }
}

/** Why the schedule does not parse, or undefined when it does. */
export function scheduleError(schedule: string): string | undefined {
  try {
    let spec = schedule;
    if (/^(CRON_)?TZ=/.test(spec))
      spec = spec.slice(spec.indexOf(' ') + 1).trim();
    if (spec.startsWith('@')) {
      if (DESCRIPTORS.has(spec) || spec.startsWith('@every ')) return undefined;
      throw new ScheduleError(`unrecognized descriptor: ${spec}`);
    }
    const fields = spec.split(/\s+/).filter(Boolean);
    if (fields.length !== FIELDS.length) {
      throw new ScheduleError(
        `expected exactly ${FIELDS.length} fields, found ${
          fields.length
        }: [${fields.join(' ')}]`,
      );
    }
    fields.forEach((field, i) => {
      for (const expr of field.split(',')) checkRange(expr, FIELDS[i]);
    });
    return undefined;
  } catch (e) {
    if (e instanceof ScheduleError) return e.message;
    throw e;
  }
}
