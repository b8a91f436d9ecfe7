/**
 * Event throughput of each consumer of order.events, whatever its language and store, on the same
 * backlog in one run: N OrderPlaced events (valid, as the order service writes them) are written to
 * order.events under a fresh topic prefix before any consumer starts; then each catalog service
 * that consumes the topic is started alone (one after the other, so none takes another's CPU) with
 * a fresh consumer group, and timed from its first handled message until all N are handled, read
 * from its own kafka_messages_consumed_total{topic="order.events"} (the same metric in every
 * language). "Applied" counts outcome="processed" (the effect made in its store), the rest were
 * ignored (not an event the service acts on). No stock is set, so inventory rejects each order:
 * its full path (lock, reservation row, outbox event) all the same.
 * Run: npm run bench:consumers [-- --events 30000]  → prints a table, writes bench/results/consumers.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { envelope, parseMetrics, sendRaw, TestSystem } from '@msa/system-tests';

const TOPIC = 'order.events';
const { values } = parseArgs({ options: { events: { type: 'string', default: '30000' } } });
const N = Number(values.events);
if (!Number.isInteger(N) || N <= 0) throw new Error(`--events must be a positive integer, got ${values.events}`);

interface Row {
  service: string;
  language: string;
  store: string;
  handled: number;
  applied: number;
  seconds: number;
  eventsPerSecond: number | null;
  appliedPerSecond: number | null;
}

async function counts(url: string): Promise<{ handled: number; applied: number }> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const series = parseMetrics(text).filter((s) => s.name === 'kafka_messages_consumed_total' && s.labels.topic === TOPIC);
  return { handled: series.reduce((a, s) => a + s.value, 0), applied: series.filter((s) => s.labels.outcome === 'processed').reduce((a, s) => a + s.value, 0) };
}

/** Starts the service on the backlog and times it from its first handled message to the Nth. */
async function drain(system: TestSystem, service: string): Promise<Row> {
  const entry = system.catalog.byName(service);
  await system.startService(service);
  const url = system.url(service);
  const deadline = Date.now() + 600_000;
  let first: { at: number; handled: number } | undefined;
  let last = { handled: 0, applied: 0 };
  try {
    while (last.handled < N) {
      if (Date.now() > deadline) throw new Error(`${service} handled ${last.handled} of ${N} events in 10 minutes`);
      await new Promise((r) => setTimeout(r, 100));
      last = await counts(url).catch(() => last);
      if (!first && last.handled > 0) first = { at: Date.now(), handled: last.handled };
    }
    const seconds = (Date.now() - first!.at) / 1000;
    // From the first poll that saw work: the events handled before it are not in the time either.
    const perSecond = (last.handled - first!.handled) / seconds;
    // null when every event was handled before the first poll: too quick to time at all.
    const rate = (n: number) => (seconds > 0 ? Math.round(((perSecond * n) / last.handled) * 10) / 10 : null);
    return {
      service,
      language: entry.runtime.language,
      store: entry.store.engine,
      handled: last.handled,
      applied: last.applied,
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSecond: rate(last.handled),
      appliedPerSecond: rate(last.applied),
    };
  } finally {
    await system.stopService(service);
  }
}

const system = await TestSystem.start({ only: [] });
try {
  const consumers = system.catalog.services.filter((s) => s.topics.consumes.includes(TOPIC)).map((s) => s.name);
  console.log(`writing ${N} OrderPlaced events to ${system.prefix}${TOPIC}; consumers: ${consumers.join(', ')}`);
  const events = Array.from({ length: N }, () => {
    const orderId = randomUUID();
    return { key: orderId, value: JSON.stringify(envelope('OrderPlaced', orderId, { orderId, items: [{ sku: 'bench-sku', quantity: 1 }], address: '1 Main Street' })) };
  });
  for (let i = 0; i < events.length; i += 1_000) await sendRaw(system.servers.kafka.brokers, `${system.prefix}${TOPIC}`, events.slice(i, i + 1_000));
  const load = loadavg()[0]!;
  const rows: Row[] = [];
  for (const service of consumers) rows.push(await drain(system, service));
  const go = rows.filter((r) => r.language === 'go');
  const ratios = go.flatMap((g) =>
    rows
      .filter((r) => r.language !== 'go' && r.applied > 0 && r.appliedPerSecond && g.appliedPerSecond)
      .map((t) => ({ of: g.service, to: t.service, appliedPerSecond: Math.round((g.appliedPerSecond! / t.appliedPerSecond!) * 100) / 100 })),
  );
  console.log('service     language    store     handled  applied  seconds  events/s  applied/s');
  for (const r of rows) {
    console.log(
      `${r.service.padEnd(11)} ${r.language.padEnd(11)} ${r.store.padEnd(9)} ${String(r.handled).padEnd(8)} ${String(r.applied).padEnd(8)} ${String(r.seconds).padEnd(8)} ${String(r.eventsPerSecond ?? '-').padEnd(9)} ${r.appliedPerSecond ?? '-'}` +
        // Skipping an event it does not act on takes so little that most are done before the first poll.
        (r.applied === 0 ? '  (acts on no OrderPlaced: its loop only, too quick to time well)' : ''),
    );
  }
  for (const x of ratios) console.log(`${x.of} applies ${x.appliedPerSecond}× as many events per second as ${x.to}`);
  const out = path.resolve(import.meta.dirname, 'results/consumers.json');
  mkdirSync(path.dirname(out), { recursive: true });
  const figures = { measuredAt: new Date().toISOString(), command: `npm run bench:consumers -- --events ${N}`, events: N, topic: TOPIC, loadAverage1m: load, consumers: rows, ratios };
  writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await system.close();
}
