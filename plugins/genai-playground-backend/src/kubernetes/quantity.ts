// Quantities are parsed with -common's parseQuantity, shared with the portal's pages.

/** Bytes as GiB, rounded to a thousandth. */
export function toGi(bytes: number): number {
  return Math.round((bytes / 2 ** 30) * 1000) / 1000;
}

/** Rounds away floating-point noise from summed quantities (0.1 + 0.2). */
export function tidy(n: number): number {
  return Math.round(n * 1000) / 1000;
}
