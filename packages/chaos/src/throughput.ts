/** How completions per second behaved around a moment (a kill): the scale-out run's recovery figure. */
export interface Recovery {
  /** Sagas finished per second before the kill (after a warm-up). */
  baselinePerSecond: number;
  /** The lowest rate over any 2-s window from the kill to the end of the load. */
  lowestPerSecond: number;
  /** Seconds from the kill to the end of the last 2-s window below half the baseline (0: never that low). */
  recoveredAfterS: number;
}

/**
 * finishedAt: when each saga reached its final status (ms since epoch). The rate is judged over
 * 2-s windows, each second, between the kill and the end of the load.
 */
export function recovery(finishedAt: number[], startMs: number, killMs: number, loadEndMs: number, warmupMs = 5_000): Recovery {
  const inRange = (from: number, to: number) => finishedAt.filter((t) => t >= from && t < to).length;
  const baseFrom = startMs + warmupMs;
  const baselinePerSecond = killMs > baseFrom ? inRange(baseFrom, killMs) / ((killMs - baseFrom) / 1000) : 0;
  let lowest = Number.POSITIVE_INFINITY;
  let lastLowEnd = killMs;
  for (let from = killMs; from + 2_000 <= loadEndMs; from += 1_000) {
    const rate = inRange(from, from + 2_000) / 2;
    lowest = Math.min(lowest, rate);
    if (rate < baselinePerSecond / 2) lastLowEnd = from + 2_000;
  }
  return {
    baselinePerSecond: round(baselinePerSecond),
    lowestPerSecond: round(Number.isFinite(lowest) ? lowest : 0),
    recoveredAfterS: round((lastLowEnd - killMs) / 1000),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
