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
  // The read side too: every final order's journey holds its history's steps, none missing, none twice.
  expect(r.readModel.services.length, report).toBeGreaterThan(0);
  expect(r.readModel.finalOrders, report).toBeGreaterThanOrEqual(r.verdict.accepted);
  expect(r.readModel.lost, report).toEqual([]);
  expect(r.readModel.duplicated, report).toEqual([]);
}

describe('chaos: faults of realistic length lose no order and apply nothing twice', () => {
  it('under SIGKILLs of every service, a 15-s refusal of each database, a broker restart, a PostgreSQL and a Redis restart', async () => {
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
    for (const fault of [/order's database refuses/, /inventory's database refuses/, /delivery's database refuses/, /Kafka broker: answering again/, /PostgreSQL: accepting connections again/, /Redis: answering again/]) {
      expect(did).toMatch(fault);
    }
    for (const service of Object.keys(r.restarts).map((name) => name.split('#')[0]!)) expect(did).toMatch(new RegExp(`SIGKILL ${service}#0`));
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
