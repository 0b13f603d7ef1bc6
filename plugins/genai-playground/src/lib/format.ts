/** "USD 8,760.00": the currency code, then the amount with two decimals. */
export function formatMoney(amount: number, currency: string): string {
  return `${currency} ${amount.toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })}`;
}

/** A price per unit: "USD 0.005", "USD 2.90": at least two decimals, up to four. */
export function formatRate(amount: number, currency: string): string {
  return `${currency} ${amount.toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  })}`;
}

/** A number with at most two decimals: 1.5, 128, 0.25. */
export function formatAmount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 24 * 3600 * 1000],
  ['hour', 3600 * 1000],
  ['minute', 60 * 1000],
];

/** "in 3 days", "in 5 hours", "2 hours ago": the largest whole unit, as people say it. */
export function formatRelative(
  at: string | Date,
  now: Date = new Date(),
): string {
  const diff = new Date(at).getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) {
      return format.format(Math.trunc(diff / ms), unit);
    }
  }
  return diff >= 0 ? 'in less than a minute' : 'just now';
}

/** An absolute time in the reader's locale, for tooltips and detail pages. */
export function formatDateTime(at: string | Date): string {
  return new Date(at).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

/** "ml-research" from "group:default/ml-research"; other namespaces keep their prefix. */
export function shortRef(ref: string): string {
  const match = /^(?:[^:]+:)?(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) {
    return ref;
  }
  const [, namespace, name] = match;
  return namespace && namespace !== 'default' ? `${namespace}/${name}` : name;
}

/** Hours until a time; negative once it passed. */
export function hoursUntil(at: string, now: Date = new Date()): number {
  return (new Date(at).getTime() - now.getTime()) / 3600_000;
}
