import { describe, expect, it } from 'vitest';
import { duplicatedEffects, reportText, runChaos, type ChaosResult } from '../src/index.ts';

// The short form of `npm run chaos`: the same faults, compressed; real processes on a private
// PostgreSQL and Kafka that the run restarts. What it asserts is what the long run reports.
function expectNothingLost(r: ChaosResult) {
  const report = reportText(r);
  console.log(report);
  expect(r.verdict.accepted, report).toBeGreaterThan(0);
  expect(r.verdict.lost, report).toEqual([]);
  expect(r.verdict.inconsistent, report).toEqual([]);
  expect(duplicatedEffects(r), report).toBe(0);
  expect(r.events.unexpectedDeadLetters, report).toEqual([]);
  expect(r.events.missingPoison, report).toEqual([]);
  expect(r.settledAfterS, report).not.toBeNull();
}

describe('chaos: faults of realistic length lose no order and apply nothing twice', () => {
  it('under SIGKILLs, a 15-s refusal of each database, a broker restart and a PostgreSQL restart', async () => {
    const r = await runChaos({
      scenario: 'chaos',
      durationMs: 40_000,
      ratePerSecond: 3,
      killEveryMs: 10_000,
      outageMs: 15_000,
      settleMs: 240_000,
      replicas: 1,
      seed: 11,
      sagaTimeout: '2m',
    });
    expectNothingLost(r);
    // Every fault happened.
    const did = r.timeline.map((e) => e.what).join('\n');
    for (const fault of [/SIGKILL \w+#0/, /order's database refuses/, /inventory's database refuses/, /delivery's database refuses/, /Kafka broker: answering again/, /PostgreSQL: accepting connections again/]) {
      expect(did).toMatch(fault);
    }
  }, 1_200_000);

  it('with two replicas of each service, killing one of each under load', async () => {
    const r = await runChaos({
      scenario: 'scale-out',
      durationMs: 36_000,
      ratePerSecond: 4,
      killEveryMs: 0,
      outageMs: 0,
      settleMs: 240_000,
      replicas: 2,
      seed: 12,
      sagaTimeout: '2m',
    });
    expectNothingLost(r);
    expect(r.recovery, reportText(r)).toBeDefined();
    expect(r.recovery!.baselinePerSecond).toBeGreaterThan(0);
    // Killing a replica of the order API cuts only the requests in flight on it: the rest are served.
    expect(r.verdict.accepted / r.placed, reportText(r)).toBeGreaterThan(0.9);
  }, 900_000);
});
