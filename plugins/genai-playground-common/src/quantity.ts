const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * A Kubernetes resource quantity ("500m", "64Gi", "1.5", "2e3") as a number of base units
 * (cores, bytes, GPUs). Undefined for anything else.
 * @public
 */
export function parseQuantity(
  quantity: string | undefined,
): number | undefined {
  if (quantity === undefined) return undefined;
  const m =
    /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(
      quantity.trim(),
    );
  if (!m) return undefined;
  const value = Number(m[1]);
  if (m[2]) return value * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return value * (BINARY[suffix] ?? DECIMAL[suffix]);
}
