/**
 * Money in the ledger is an integer number of micro-units of the currency (1 USD =
 * 1,000,000 micros): every row's cost is rounded once, to the micro, and sums are sums of
 * integers, so totals are exact and the same in any order. A JavaScript number holds integers
 * exactly up to 2^53, about 9 billion currency units in micros.
 * @public
 */
export type Micros = number;

/** Micro-units in one currency unit. @public */
export const MICROS_PER_UNIT = 1_000_000;

/** A price or amount in currency units (as config and people write it) in micros. @public */
export function toMicros(amount: number): Micros {
  return Math.round(amount * MICROS_PER_UNIT);
}

/**
 * Micros as a decimal string in currency units, without floating point: `1234567` gives
 * `'1.234567'`. For exports and display; never parse it back to sum.
 * @public
 */
export function formatMicros(micros: Micros): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(micros));
  const units = Math.floor(abs / MICROS_PER_UNIT);
  const fraction = String(abs % MICROS_PER_UNIT).padStart(6, '0');
  return `${sign}${units}.${fraction}`;
}
