import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '@msa/catalog';
import { statementHead, waitShares } from '../saga/db-waits.ts';
import { hopsOf, spread } from '../saga/hops.ts';
import { parseConsumerRate, parseProducerRate } from '../saga/kafka-perf.ts';
import { finalOf } from '../saga/observer.ts';
import { parseOptions } from '../saga/options.ts';
import { parseTps, withoutNotify } from '../saga/pgbench.ts';
import { chart, ticks } from '../saga/plot.ts';
import { originOf, summarise } from '../saga/profile.ts';
import { ratios, type TargetRun } from '../saga/report.ts';
import { SAGA_STEPS, sagaShape } from '../saga/saga-shape.ts';
import { completionRate, percentiles, ratio } from '../saga/stats.ts';
import type { RateResult } from '../saga/steps.ts';
import { SagaTracker } from '../saga/tracker.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('latency percentiles', () => {
  it('reads p50, p95 and p99 of 1..1000 ms within the histogram precision', () => {
    const p = percentiles(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(p.count).toBe(1000);
    expect(p.p50).toBeCloseTo(500, -1);
    expect(p.p95).toBeCloseTo(950, -1);
    expect(p.p99).toBeCloseTo(990, -1);
    expect(p.max).toBeCloseTo(1000, -1);
  });

  it('says "not measured" (NaN) for no samples rather than 0', () => {
    expect(percentiles([]).p99).toBeNaN();
  });
});

describe('sagas completed per second', () => {
  it('is the accepted rate when every saga finishes within the step', () => {
    const times = Array.from({ length: 100 }, (_, i) => 1_000 + i * 100); // 10/s over 10 s
    expect(completionRate(1_000, 10_000, times)).toBe(10);
  });

  it('counts the backlog drained after the step against the system', () => {
    const times = Array.from({ length: 100 }, (_, i) => 1_000 + i * 200); // 5/s: done after 20 s
    expect(completionRate(1_000, 10_000, times)).toBeCloseTo(5, 0);
  });
});

describe('ratios', () => {
  it('is null, not 0 or Infinity, when one side was not measured', () => {
    expect(ratio(10, 0)).toBeNull();
    expect(ratio(undefined, 5)).toBeNull();
    expect(ratio(50, 200)).toBe(0.25);
  });

  const rate = (offeredPerSec: number, completedPerSec: number, p99: number) =>
    ({ offeredPerSec, completedPerSec, endToEndMs: { count: 1, p50: p99, p95: p99, p99, max: p99 } }) as RateResult;

  it('compares the saga with the limit and with the monolith at the same offered rate', () => {
    const runs: TargetRun[] = [
      { target: 'monolith', replicas: null, rates: [rate(50, 50, 20), rate(100, 100, 40)] },
      { target: 'saga, 1 replica each', replicas: 1, rates: [rate(50, 45, 400), rate(100, 60, 4000)] },
    ];
    const r = ratios(runs, 240);
    expect(r.sagaOverLimit['saga, 1 replica each']).toBe(0.25);
    expect(r.sagaOverMonolith['saga, 1 replica each']).toBe(0.6);
    expect(r.perRate).toEqual([
      { offeredPerSec: 50, target: 'saga, 1 replica each', completedRatio: 0.9, p99Ratio: 20 },
      { offeredPerSec: 100, target: 'saga, 1 replica each', completedRatio: 0.6, p99Ratio: 100 },
    ]);
  });
});

describe('correlating orders with their outcomes', () => {
  it('matches an outcome seen before the POST answered, and counts open sagas per step', () => {
    const t = new SagaTracker();
    t.final('a', { outcome: 'CONFIRMED', at: 1_500 });
    t.accepted('a', 1_000, 0);
    t.accepted('b', 1_100, 0);
    t.accepted('c', 1_200, 1);
    expect(t.unfinished(0)).toBe(1);
    t.final('b', { outcome: 'CANCELLED', at: 1_400 });
    expect(t.unfinished(0)).toBe(0);
    expect(t.completions.get(0)).toEqual([
      { id: 'a', outcome: 'CONFIRMED', latencyMs: 500, at: 1_500 },
      { id: 'b', outcome: 'CANCELLED', latencyMs: 300, at: 1_400 },
    ]);
    expect(t.unfinished(1)).toBe(1);
  });

  it("reads a final outcome from order.events and ignores the saga's other events", () => {
    const env = (type: string) => JSON.stringify({ id: 'e', type, key: 'o-1', source: 'order', occurredAt: '2026-11-30T20:00:00.250Z', data: { orderId: 'o-1' } });
    expect(finalOf(env('OrderConfirmed'))).toEqual({ id: 'o-1', final: { outcome: 'CONFIRMED', at: Date.parse('2026-11-30T20:00:00.250Z') } });
    expect(finalOf(env('OrderRejected'))?.final.outcome).toBe('REJECTED');
    expect(finalOf(env('OrderPlaced'))).toBeUndefined();
    expect(finalOf('not json')).toBeUndefined();
  });

  it("times a saga's hops from the order's own timestamps", () => {
    const sample = [{ id: 'o', outcome: 'CONFIRMED' as const, latencyMs: 300, at: 10_300 }];
    const view = {
      status: 'CONFIRMED',
      createdAt: new Date(10_020).toISOString(),
      history: [
        { event: 'OrderPlaced', at: new Date(10_020).toISOString() },
        { event: 'StockReserved', at: new Date(10_150).toISOString() },
        { event: 'DeliveryScheduled', at: new Date(10_290).toISOString() },
      ],
    };
    const h = hopsOf(sample, [view]);
    expect(h).toMatchObject({ sampled: 1, agreed: 1 });
    expect(h.postToOrderRow.p50).toBeCloseTo(20, 0);
    expect(h.orderRowToStockReserved.p50).toBeCloseTo(130, 0);
    expect(h.orderRowToDeliveryScheduled.p50).toBeCloseTo(270, 0);
    expect(spread([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 3, 5]);
  });
});

describe("one saga's shape, from the code and the catalog", () => {
  it('takes five transactions, produces four events and delivers twelve, one pgbench script per transaction', () => {
    // Eight to the saga's services: inventory and (since the saga deadline) delivery both read order.events,
    // OrderPlaced and OrderConfirmed. Four more to the tracking read side, which reads every saga topic.
    expect(sagaShape(loadCatalog(root))).toEqual({ transactions: 5, produced: 4, consumed: 12 });
    const scripts = readdirSync(path.join(root, 'bench/saga/pgbench')).filter((f) => f.endsWith('.sql'));
    expect(scripts).toHaveLength(SAGA_STEPS.length);
  });
});

describe("the reference tools' outputs", () => {
  it('reads tps from pgbench and fails with its output when there is none', () => {
    expect(parseTps('latency average = 6.5 ms\ntps = 1218.512 (without initial connection time)\n')).toBe(1218.512);
    expect(() => parseTps('pgbench: error: connection refused')).toThrow(/connection refused/);
  });

  it("drops only the outbox's pg_notify for the run without it", () => {
    const script = readFileSync(path.join(root, 'bench/saga/pgbench/1-place-order.sql'), 'utf8');
    expect(script).toContain("pg_notify('outbox'");
    const quiet = withoutNotify(script);
    expect(quiet).not.toContain('pg_notify');
    expect(quiet.split('\n')).toHaveLength(script.split('\n').length - 1);
  });

  it("reads Kafka's producer and consumer perf-test summaries", () => {
    expect(parseProducerRate('24998 records sent, 4999.6 records/sec (1.52 MB/sec)\n50000 records sent, 16672.2 records/sec (4.85 MB/sec), 900.1 ms avg latency')).toBe(16672.2);
    const consumer =
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n' +
      '2026-11-30 20:05:01:000, 2026-11-30 20:05:04:000, 14.5, 4.8, 50000, 16666.7, 2400, 547, 26.5, 91324.0\n';
    expect(parseConsumerRate(consumer)).toBe(91324);
    expect(() => parseProducerRate('Exception in thread "main"')).toThrow(/no rate/);
  });
});

describe('options', () => {
  it('defaults to the quick mode and lets flags win over SAGA_BENCH_* variables', () => {
    const o = parseOptions(['--rates', '10,20'], { SAGA_BENCH_RATES: '1,2', SAGA_BENCH_DURATION: '7' });
    expect(o).toMatchObject({ mode: 'quick', rates: [10, 20], durationS: 7, replicas: [1, 2] });
    expect(parseOptions(['--mode', 'full'], {}).durationS).toBe(60);
    expect(parseOptions(['--service-env', 'OUTBOX_POLL_MS=50,PG_POOL=20'], {}).serviceEnv).toEqual({ OUTBOX_POLL_MS: '50', PG_POOL: '20' });
  });

  it('names the flag and its variable when a value is wrong', () => {
    expect(() => parseOptions(['--rates', 'fast'], {})).toThrow(/--rates \(or SAGA_BENCH_RATES\): a comma-separated list/);
  });
});

describe("the database's wait profile", () => {
  it('ranks waits by their share of the samples', () => {
    const counts = new Map([['IO:WALSync', 6], ['Lock:object', 3], ['CPU (running)', 1]]);
    expect(waitShares(counts, 2)).toEqual([
      { wait: 'IO:WALSync', percent: 60 },
      { wait: 'Lock:object', percent: 30 },
    ]);
    expect(statementHead('SELECT seq, topic, key, type, payload FROM outbox\n WHERE')).toBe('SELECT seq, topic, key,');

  });
});

describe('the plot', () => {
  it('draws one line per run and the limit as a reference line', () => {
    expect(ticks(230)).toEqual([0, 50, 100, 150, 200, 250]);
    const svg = chart(
      [{ title: 'Completed', yLabel: '/s', series: [{ name: 'saga', points: [[25, 24], [50, 40]] }, { name: 'monolith', points: [[25, 25], [50, 50]] }], refs: [{ name: 'limit', y: 240 }] }],
      'offered / s',
      'caption <&>',
    );
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('caption &lt;&amp;&gt;');
  });
});

describe('the profile summary', () => {
  it('attributes self time to packages, project code and V8, after the start-up', () => {
    expect(originOf('file:///r/node_modules/@platformatic/kafka/dist/x.js', 'f')).toBe('@platformatic/kafka');
    expect(originOf('file:///r/packages/service-kit/src/messaging/relay.ts', 'f')).toBe('packages/service-kit/messaging');
    expect(originOf('', '(garbage collector)')).toBe('(garbage collector)');
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: 0 } },
        { id: 2, callFrame: { functionName: 'send', url: 'file:///r/node_modules/pg/lib/client.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: 'compile', url: 'node:internal/modules', lineNumber: 0 } },
      ],
      samples: [3, 3, 1, 2, 2, 2, 1],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000],
    };
    const s = summarise('order', profile, 2.5);
    expect(s.byOrigin).toEqual([{ origin: 'pg', percent: 100 }]);
    expect(s.topFunctions[0]).toEqual({ fn: 'send pg:10', percent: 100 });
  });
});
