import { MICROS_PER_UNIT } from '@genai-portal/plugin-genai-insights-common';

/** One locale for every number on the page, like the playground's pages. */
const LOCALE = 'en-US';

const formats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, compact: boolean): Intl.NumberFormat {
  const cacheKey = `${currency}|${compact}`;
  let format = formats.get(cacheKey);
  if (!format) {
    try {
      format = new Intl.NumberFormat(LOCALE, {
        style: 'currency',
        currency,
        ...(compact
          ? { notation: 'compact', maximumFractionDigits: 1 }
          : { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      });
    } catch {
      // Not an ISO 4217 code Intl knows: the amount, then the code as configured.
      const number = new Intl.NumberFormat(LOCALE, {
        ...(compact
          ? { notation: 'compact', maximumFractionDigits: 1 }
          : { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      });
      format = {
        format: (value: number) => `${number.format(value)} ${currency}`,
      } as Intl.NumberFormat;
    }
    formats.set(cacheKey, format);
  }
  return format;
}

/** Micros in currency units, for charts (display only: sums stay in integer micros). */
export function toUnits(micros: number): number {
  return micros / MICROS_PER_UNIT;
}

/** `1234567890` micros in USD gives `$1,234.57`. */
export function formatMoney(micros: number, currency: string): string {
  return moneyFormat(currency, false).format(toUnits(micros));
}

/** An amount already in currency units, short, for chart axes: `$1.2K`. */
export function formatCompactUnits(units: number, currency: string): string {
  return moneyFormat(currency, true).format(units);
}

/** A ratio as a percent without its sign: `0.125` gives `12.5%`. */
export function formatPercent(ratio: number): string {
  return new Intl.NumberFormat(LOCALE, {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(Math.abs(ratio));
}

/** A period key of `GET /cost` as a short label: `Nov 3` for days and weeks, `Nov 2026` for months. */
export function formatPeriod(period: string): string {
  const [year, month, day] = period.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day || 1));
  return date.toLocaleDateString(LOCALE, {
    timeZone: 'UTC',
    ...(day
      ? { month: 'short', day: 'numeric' }
      : { month: 'short', year: 'numeric' }),
  });
}

/** An ISO time's UTC day, as people read it: `Nov 3, 2026`. */
export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString(LOCALE, {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
  });
}

/** An amount already in currency units (a chart's value) in full: `$1,234.57`. */
export function formatUnits(units: number, currency: string): string {
  return moneyFormat(currency, false).format(units);
}
