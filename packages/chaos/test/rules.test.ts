import { describe, expect, it } from 'vitest';
import { chaosPlan, disagreement, duplicatedEvents, expectedSteps, journeyProblems, recovery, stockDrift } from '../src/index.ts';

describe('what the chaos audit counts as agreement', () => {
  it.each([
    [{ status: 'CONFIRMED', reservation: 'RESERVED', delivery: 'SCHEDULED' }, undefined],
    [{ status: 'CONFIRMED', reservation: 'RESERVED' }, 'CONFIRMED but reservation RESERVED, delivery none'],
    [{ status: 'CANCELLED', reservation: 'RELEASED', delivery: 'CANCELLED' }, undefined],
    [{ status: 'CANCELLED', reservation: 'CANCELLED', delivery: 'FAILED' }, undefined],
    [{ status: 'CANCELLED', reservation: 'RESERVED', delivery: 'FAILED' }, 'CANCELLED but reservation RESERVED, delivery FAILED'],
    [{ status: 'CANCELLED', reservation: 'RELEASED', delivery: 'SCHEDULED' }, 'CANCELLED but reservation RELEASED, delivery SCHEDULED'],
    [{ status: 'CANCELLED' }, 'CANCELLED but reservation none, delivery none'],
    [{ status: 'REJECTED', reservation: 'REJECTED' }, undefined],
    [{ status: 'REJECTED', reservation: 'REJECTED', delivery: 'CANCELLED' }, 'REJECTED but reservation REJECTED, delivery CANCELLED'],
    [{ status: 'RESERVED', reservation: 'RESERVED' }, 'not final: RESERVED (reservation RESERVED, delivery none)'],
  ] as const)('%o: %s', (view, problem) => {
    expect(disagreement({ id: 'o1', ...view })).toBe(problem);
  });

  it('finds stock taken twice or given back twice by comparing stock with the reservations that hold it', () => {
    const held = [
      { status: 'RESERVED', items: [{ sku: 'a', quantity: 2 }] },
      { status: 'RELEASED', items: [{ sku: 'a', quantity: 5 }] },
    ];
    expect(stockDrift(100, new Map([['a', 98]]), held)).toEqual({});
    expect(stockDrift(100, new Map([['a', 96]]), held)).toEqual({ a: 2 });
    expect(stockDrift(100, new Map([['a', 103]]), held)).toEqual({ a: -5 });
  });

  it('counts an effect twice only under two event ids (a re-sent event keeps its id)', () => {
    const e = (id: string, type: string, key = 'o1') => ({ id, type, key });
    expect(duplicatedEvents([e('1', 'StockReserved'), e('1', 'StockReserved'), e('2', 'StockReleased')], new Set(['StockReserved', 'StockReleased']))).toEqual([]);
    expect(duplicatedEvents([e('1', 'StockReserved'), e('3', 'StockReserved')], new Set(['StockReserved']))).toEqual([{ orderId: 'o1', type: 'StockReserved', ids: 2 }]);
  });
});

describe('the fault plans', () => {
  it('kills throughout, and chains one refusal per database, one broker and one PostgreSQL restart, and the poison', () => {
    const plan = chaosPlan({ killEveryMs: 5_000, outageMs: 20_000, services: ['order', 'inventory', 'delivery'] });
    expect(plan.killEveryMs).toBe(5_000);
    expect(plan.chain.map((s) => ('service' in s ? `${s.kind} ${s.service}` : s.kind))).toEqual([
      'refuse-database order',
      'restart-kafka',
      'poison',
      'refuse-database inventory',
      'restart-postgres',
      'refuse-database delivery',
    ]);
    // A service on Redis: Redis is restarted too, after PostgreSQL.
    const withRedis = chaosPlan({ killEveryMs: 5_000, outageMs: 20_000, services: ['order', 'inventory', 'delivery'], redis: true });
    expect(withRedis.chain.map((s) => s.kind)).toEqual(['refuse-database', 'restart-kafka', 'poison', 'refuse-database', 'restart-postgres', 'restart-redis', 'refuse-database']);
  });

  it('reports throughput recovered when no 2-s window after the kill falls below half the rate before it', () => {
    const steady = Array.from({ length: 40 }, (_, i) => i * 250); // 4/s for 10 s
    expect(recovery(steady, 0, 6_000, 10_000, 1_000)).toEqual({ baselinePerSecond: 4, lowestPerSecond: 4, recoveredAfterS: 0 });
    const longer = Array.from({ length: 48 }, (_, i) => i * 250); // 4/s for 12 s
    const stalled = longer.filter((t) => t < 6_000 || t >= 9_000); // nothing finishes for 3 s after the kill
    expect(recovery(stalled, 0, 6_000, 12_000, 1_000)).toEqual({ baselinePerSecond: 4, lowestPerSecond: 0, recoveredAfterS: 3 });
  });
});

describe('what the read-model audit counts as lost or duplicated', () => {
  const step = (type: string, eventId = type) => ({ type, eventId });

  it("expects the order's history (without the deadline sweep's note) and the outcome it announced", () => {
    expect(expectedSteps({ id: 'o', status: 'CONFIRMED', history: ['OrderPlaced', 'StockReserved', 'DeliveryScheduled'] })).toEqual(['OrderPlaced', 'StockReserved', 'DeliveryScheduled', 'OrderConfirmed']);
    expect(expectedSteps({ id: 'o', status: 'CANCELLED', history: ['OrderPlaced', 'SagaTimedOut'] })).toEqual(['OrderPlaced', 'OrderCancelled']);
  });

  it('finds a journey whole in any order of its topics, and names what is missing, twice or foreign', () => {
    const expected = ['OrderPlaced', 'StockRejected', 'OrderRejected'];
    expect(journeyProblems(expected, [step('StockRejected'), step('OrderPlaced'), step('OrderRejected')])).toEqual({ missing: [], twice: [], extra: [] });
    expect(journeyProblems(expected, undefined)).toEqual({ missing: expected, twice: [], extra: [] });
    expect(journeyProblems(expected, [step('OrderPlaced'), step('OrderPlaced', 'other-id'), step('StockReserved'), step('OrderRejected')])).toEqual({
      missing: ['StockRejected'],
      twice: ['OrderPlaced'],
      extra: ['StockReserved'],
    });
    // One event applied twice is a duplicate even where its type may come twice.
    expect(journeyProblems(['OrderPlaced', 'OrderPlaced'], [step('OrderPlaced', 'e1'), step('OrderPlaced', 'e1')]).twice).toEqual(['event e1']);
  });
});
