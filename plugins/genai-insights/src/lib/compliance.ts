import {
  MAX_WAIVER_DAYS,
  type CheckSeverity,
  type ComplianceCheckStatus,
  type ComplianceLevel,
  type EnvironmentCompliance,
} from '@genai-portal/plugin-genai-insights-common';

/** Helpers of the compliance page and cards: scores, statuses, levels, waiver dates. */

const LOCALE = 'en-US';
const DAY = 86_400_000;

/** How a check's status reads and looks: a word, a symbol (never colour alone) and colours. */
export interface StatusLook {
  label: string;
  symbol: string;
  background: string;
  color: string;
}

/** Colours of the matrix's cells, readable in light and dark themes (text on its background). */
export const STATUS_LOOKS: Record<ComplianceCheckStatus, StatusLook> = {
  pass: {
    label: 'Pass',
    symbol: '✓',
    background: '#c8e6c9',
    color: '#1b5e20',
  },
  fail: {
    label: 'Fail',
    symbol: '✗',
    background: '#ffcdd2',
    color: '#b71c1c',
  },
  waived: {
    label: 'Waived',
    symbol: 'W',
    background: '#fff3c4',
    color: '#6d4c00',
  },
  'not-applicable': {
    label: 'Not applicable',
    symbol: '–',
    background: '#eeeeee',
    color: '#424242',
  },
  error: {
    label: 'Error',
    symbol: '!',
    background: '#e1bee7',
    color: '#4a148c',
  },
};

/** The order checks are listed in an environment: what needs doing first. */
const STATUS_ORDER: Record<ComplianceCheckStatus, number> = {
  fail: 0,
  error: 1,
  waived: 2,
  pass: 3,
  'not-applicable': 4,
};

const SEVERITY_ORDER: Record<CheckSeverity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

/** An environment's checks: failing first, then errors, waived, passed, not applicable; the most severe first. */
export function sortChecks(
  checks: EnvironmentCompliance['checks'],
): EnvironmentCompliance['checks'] {
  return [...checks].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.title.localeCompare(b.title),
  );
}

/** A score's percent as `68.5%`, or a dash when no check applies. */
export function formatScore(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || Number.isNaN(percent)) {
    return '—';
  }
  // Floored, so that 99.96% never reads as 100%.
  const floored = Math.floor(percent * 10) / 10;
  return `${new Intl.NumberFormat(LOCALE, {
    maximumFractionDigits: 1,
  }).format(floored)}%`;
}

/** `critical` as `Critical`. */
export function severityLabel(severity: CheckSeverity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

/** The label of an environment's level: its name, or "No level". */
export function levelLabel(level?: string): string {
  return level ?? 'No level';
}

/**
 * How many environments reach each level (as their highest), highest level first, then those
 * with none; levels nobody reaches are listed with 0.
 */
export function levelCounts(
  levels: ComplianceLevel[],
  environments: Array<{ level?: string }>,
): Array<{ level: string; count: number }> {
  const counts = new Map<string, number>();
  for (const e of environments) {
    const key = levelLabel(e.level);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [
    ...[...levels].reverse().map(l => ({
      level: l.name,
      count: counts.get(l.name) ?? 0,
    })),
    { level: levelLabel(), count: counts.get(levelLabel()) ?? 0 },
  ];
}

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The range of waiver expiry dates (UTC days): tomorrow to {@link MAX_WAIVER_DAYS} days on; 30 days on by default. */
export function waiverDates(now: Date): {
  min: string;
  max: string;
  initial: string;
} {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  return {
    min: utcDay(today + DAY),
    max: utcDay(today + MAX_WAIVER_DAYS * DAY),
    initial: utcDay(today + 30 * DAY),
  };
}

/** Why a waiver's fields are refused, per field; empty when they may be sent. */
export function validateWaiver(
  justification: string,
  expiresOn: string,
  now: Date,
): { justification?: string; expiresOn?: string } {
  const problems: { justification?: string; expiresOn?: string } = {};
  const text = justification.trim();
  if (!text) {
    problems.justification = 'Say why this check may fail for now';
  } else if (text.length < 10) {
    problems.justification = 'Say why in at least 10 characters';
  }
  const { min, max } = waiverDates(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresOn)) {
    problems.expiresOn = 'Pick the day the waiver expires';
  } else if (expiresOn < min) {
    problems.expiresOn = 'The waiver must expire after today';
  } else if (expiresOn > max) {
    problems.expiresOn = `A waiver lasts at most ${MAX_WAIVER_DAYS} days (until ${formatDate(
      `${max}T00:00:00Z`,
    )})`;
  }
  return problems;
}

/** A waiver's expiry day as the API takes it: the start of that day, UTC. */
export function expiryTime(expiresOn: string): string {
  return `${expiresOn}T00:00:00.000Z`;
}

/** An ISO time's UTC day, as people read it: `Dec 5, 2026`. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(LOCALE, {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  });
}

/** `user:default/marco.rossi` as `marco.rossi`. */
export function refName(ref: string): string {
  const match = /^(?:[^:]+:)?(?:[^/]+\/)?(.+)$/.exec(ref);
  return match ? match[1] : ref;
}
