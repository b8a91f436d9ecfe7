import * as hdr from 'hdr-histogram-js';

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Latencies in ms into an HDR histogram (1 µs to 10 min, 3 significant digits); returns rounded percentiles. */
export function percentiles(valuesMs: readonly number[]): Percentiles {
  if (valuesMs.length === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  for (const v of valuesMs) h.recordValue(Math.max(1, Math.round(v * 1000)));
  const at = (q: number) => round(h.getValueAtPercentile(q) / 1000, 1);
  const result = { count: valuesMs.length, p50: at(50), p95: at(95), p99: at(99), max: round(h.maxValue / 1000, 1) };
  h.destroy();
  return result;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** a/b rounded, or null when either side is missing (so a JSON reader sees "not measured", not 0). */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b, 3);
}

/**
 * Sagas completed per second over one step: the completions of the orders placed in the step,
 * divided by the longer of the step and the time from its start to its last completion. A system
 * that keeps up scores close to the accepted rate; one that falls behind scores its real pace,
 * because the backlog it drains after the step counts against it.
 */
export function completionRate(stepStartMs: number, durationMs: number, completionTimesMs: readonly number[]): number {
  if (completionTimesMs.length === 0) return 0;
  const last = completionTimesMs.reduce((a, b) => Math.max(a, b), -Infinity);
  const span = Math.max(durationMs, last - stepStartMs);
  return round(completionTimesMs.length / (span / 1000), 1);
}
