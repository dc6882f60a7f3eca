/** Median, min and max of a non-empty sample. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

/** Summarizes samples; undefined when there are none. */
export function spread(samples: readonly number[]): Spread | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

/** Operations per second from a count and a span in ms. */
export const perSecond = (ops: number, ms: number): number => (ms > 0 ? (ops * 1000) / ms : 0);

/** Formats a number for the table: thousands separators, no decimals above 100, two significant below. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** "median (min–max)". */
export const fmtSpread = (s: Spread | undefined): string =>
  s === undefined ? '–' : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
