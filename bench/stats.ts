/**
 * Small statistics helpers for the benchmarks: medians and spreads of a handful of runs.
 * Timing on a shared 2-core machine is noisy, so every figure we publish is a median (or a
 * ratio of medians), never a single sample.
 */

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile (q in [0, 1]); NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

export function min(values: readonly number[]): number {
  return values.length ? Math.min(...values) : Number.NaN;
}

export function max(values: readonly number[]): number {
  return values.length ? Math.max(...values) : Number.NaN;
}

/** "3.1" / "12" / "0.42": a short human number with about three significant digits. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "–";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 10 ** digits) return Math.round(value).toString();
  return Number(value.toPrecision(digits)).toString();
}

/** "1.2 MiB", "840 B". */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${fmt(n / 1024)} KiB`;
  return `${fmt(n / 1024 / 1024)} MiB`;
}

/** "12.3 s", "850 ms". */
export function seconds(s: number): string {
  if (!Number.isFinite(s)) return "–";
  return s < 1 ? `${fmt(s * 1000)} ms` : `${fmt(s)} s`;
}

/** Real milliseconds since the epoch with sub-millisecond resolution. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
