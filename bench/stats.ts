/** Percentiles and ratios for benchmark output. */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface Summary {
  readonly p50: number;
  readonly p99: number;
}

export function summarize(values: readonly number[]): Summary {
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}

export const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
