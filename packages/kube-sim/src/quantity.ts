/**
 * Kubernetes resource quantities ("500m", "1Gi", "8", "1e3"), parsed to plain
 * numbers (cores, bytes, counts) and printed back the way apimachinery's
 * Quantity.String() canonicalises them, because quota error messages and
 * ResourceQuota status show quantities in that exact form.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  value: number;
  format: QuantityFormat;
}

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const QUANTITY_RE =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** Whether `input` is a syntactically valid quantity. */
export function isQuantity(input: unknown): boolean {
  if (typeof input === 'number') return Number.isFinite(input);
  return typeof input === 'string' && QUANTITY_RE.test(input.trim());
}

/** Parses a quantity; throws on malformed input. */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new Error(`invalid quantity ${input}`);
    return { value: input, format: 'DecimalSI' };
  }
  const match = QUANTITY_RE.exec(String(input).trim());
  if (!match) {
    throw new Error(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  }
  const num = Number(match[1]);
  const suffix = match[2] ?? '';
  if (suffix in BINARY) {
    return { value: num * BINARY[suffix], format: 'BinarySI' };
  }
  if (suffix in DECIMAL) {
    return { value: round(num * 10 ** DECIMAL[suffix]), format: 'DecimalSI' };
  }
  return {
    value: round(num * 10 ** Number(suffix.slice(1))),
    format: 'DecimalExponent',
  };
}

/** The numeric value of a quantity (cores for cpu, bytes for memory). */
export function quantityValue(input: string | number | undefined): number {
  if (input === undefined || input === null || input === '') return 0;
  return parseQuantity(input).value;
}

// Quantities are exact decimals in Go; nano precision is the smallest unit.
function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function isWhole(value: number): boolean {
  return (
    Math.abs(value - Math.round(value)) < 1e-9 * Math.max(1, Math.abs(value))
  );
}

/** Prints a value as apimachinery would for a quantity of the given format. */
export function formatQuantity(
  value: number,
  format: QuantityFormat = 'DecimalSI',
): string {
  if (value === 0) return '0';
  if (
    format === 'BinarySI' &&
    Number.isInteger(value) &&
    Math.abs(value) >= 1024
  ) {
    for (const [suffix, factor] of Object.entries(BINARY).reverse()) {
      if (value % factor === 0) return `${value / factor}${suffix}`;
    }
    return String(value);
  }
  // DecimalSI (and the rarely used exponent form): the largest SI exponent
  // that keeps the mantissa whole.
  for (const exp of [18, 15, 12, 9, 6, 3, 0, -3, -6, -9]) {
    const mantissa = value / 10 ** exp;
    if (Math.abs(mantissa) >= 1 && isWhole(mantissa)) {
      const suffix = Object.keys(DECIMAL).find(k => DECIMAL[k] === exp)!;
      return `${Math.round(mantissa)}${suffix}`;
    }
  }
  return `${Math.ceil(value * 1e9)}n`;
}

/** Sums quantities keeping the first one's format, as Quantity.Add does. */
export function addQuantities(a: Quantity | undefined, b: Quantity): Quantity {
  if (!a) return { ...b };
  return { value: round(a.value + b.value), format: a.format };
}
