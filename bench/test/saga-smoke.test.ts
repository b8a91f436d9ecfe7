import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings } from '@msa/local-servers';
import { hopsOf, spread } from '../saga/hops.ts';
import { runRates } from '../saga/steps.ts';
import { startSaga, type Target } from '../saga/targets.ts';
import { SagaTracker } from '../saga/tracker.ts';

// The generator and the observer against the real services on the real servers: 10 s of orders.
describe('the saga benchmark against real services', () => {
  const tracker = new SagaTracker();
  let target: Target;

  beforeAll(async () => {
    target = await startSaga({ replicas: 1, skus: 5, serviceEnv: {}, onFinal: (id, f) => tracker.final(id, f) });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('places orders at the offered rate and sees every saga reach its final state', async () => {
    const settings = { rates: [5], durationS: 10, drainS: 30, warmupS: 0, skus: 5, connections: 4, maxInFlight: 32, keepGoing: true, superuserUrl: connectionSettings().postgres.url };
    const [r] = await runRates(target, tracker, settings, () => undefined);
    expect(r!.sent).toBe(50);
    expect(r!.accepted).toBe(50);
    expect(r!.completed).toBe(50);
    expect(r!.unfinished).toBe(0);
    expect(r!.outcomes).toEqual({ CONFIRMED: 50 });
    expect(r!.endToEndMs.p99).toBeGreaterThan(0);
    expect(r!.postMs.count).toBe(50);
    // Each saga commits at least its five transactions in the services' databases.
    expect(r!.commitsPerSaga).toBeGreaterThanOrEqual(5);
    expect(r!.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['order', 'inventory', 'delivery']));
    expect(r!.processes.find((p) => p.name === 'order')!.rssMb).toBeGreaterThan(20);
    expect(r!.dbWaits.length).toBeGreaterThan(0);

    // What the observer read on order.events is what the API says.
    const sample = spread(tracker.completions.get(0)!, 10);
    const views = [];
    for (const c of sample) views.push(await target.getOrder!(c.id));
    const hops = hopsOf(sample, views);
    expect(hops.agreed).toBe(10);
    expect(hops.orderRowToDeliveryScheduled.count).toBe(10);
  }, 120_000);
});
