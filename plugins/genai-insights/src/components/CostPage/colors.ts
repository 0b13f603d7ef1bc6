/** Series colours of the charts: distinct on light and dark themes, then repeated. */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}
