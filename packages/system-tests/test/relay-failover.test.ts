import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, kafkaState, loadConfig, startKafka, stopKafka, type ServersConfig } from '@msa/local-servers';
import { advisoryLockHolder, eventually, freePort, metric, readTopic, request, TestSystem } from '../src/index.ts';
import type { ServiceProcess } from '../src/process.ts';

// The lease is the default (OUTBOX_RELAY_LEASE_MS, 10 s); the backlog bound is set so the outage test need not wait 30 s.
const LEASE_MS = 10_000;
const MAX_AGE_MS = 20_000;
const FREEZE_MS = 28_000;
// After the lease, the order consumer group also rebalances away from the frozen member (10 s session timeout).
const FINAL_BOUND_MS = LEASE_MS + 12_000;
const FINAL = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

// A broker of this test's own: the test freezes it for a moment and later stops it.
let config: ServersConfig;
let dir: string;
let system: TestSystem;
let replicas: { name: string; url: string; proc: ServiceProcess }[] = [];
const log = () => undefined;
const brokerPid = () => kafkaState(config).pid!;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'msa-relay-'));
  config = loadConfig({
    ...process.env,
    MSA_LOCAL_DIR: dir,
    MSA_KAFKA_PORT: String(await freePort()),
    MSA_KAFKA_CONTROLLER_PORT: String(await freePort()),
  });
  await startKafka(config, log);
  system = await TestSystem.start({
    servers: { postgres: connectionSettings().postgres, kafka: connectionSettings(config).kafka },
    env: { order: { OUTBOX_MAX_AGE_MS: String(MAX_AGE_MS) } },
  });
  const second = await system.startReplica('order');
  replicas = [
    { name: 'order', url: system.url('order'), proc: system.processes.get('order')! },
    { name: second.key, url: second.proc.url, proc: second.proc },
  ];
}, 240_000);

afterAll(async () => {
  for (const r of replicas) r.proc.child.kill('SIGCONT');
  if (config && kafkaState(config).running) process.kill(brokerPid(), 'SIGCONT');
  await system?.close();
  await stopKafka(config, log);
  rmSync(dir, { recursive: true, force: true });
});

const inventory = () => system.url('inventory');
const orderAt = async (url: string, id: string) => (await request('GET', `${url}/orders/${id}`)).json;
const place = (url: string, quantity = 1) => request('POST', `${url}/orders`, { items: [{ sku: 'apple', quantity }], address: '5 Relay Road' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The replica holding the outbox relay's lock (packages/service-kit/src/messaging/relay.ts), by the database's account. */
async function lockHolder() {
  const pid = await advisoryLockHolder(system.servers.postgres.url, system.databases.get('order')!.name, 727_001, replicas.map((r) => r.proc.child.pid!));
  return replicas.find((r) => r.proc.child.pid === pid);
}

/** The replica holding the outbox publishing lock, by its outbox_relay_leader gauge. */
async function leaderAndOther() {
  return eventually('exactly one order replica to hold the publishing lock', async () => {
    const flags = await Promise.all(replicas.map((r) => metric(r.url, 'outbox_relay_leader')));
    if (flags.filter((f) => f === 1).length !== 1) return undefined;
    const i = flags.indexOf(1);
    return { leader: replicas[i]!, other: replicas[1 - i]! };
  }, 30_000);
}

describe('the outbox relay of a service with two replicas', () => {
  it('is taken over within a bound when the replica publishing freezes in the middle of a send, and nothing takes effect twice after it resumes', async () => {
    await request('PUT', `${inventory()}/stock/apple`, { available: 100 });
    const placed: { id: string; quantity: number }[] = [];
    const outboxChecks: string[] = [];

    // A send the holder cannot finish: the broker stalls while the holder publishes the first order.
    process.kill(brokerPid(), 'SIGSTOP');
    const first = await place(replicas[0]!.url, 1);
    expect(first.status).toBe(201);
    placed.push({ id: first.json.id, quantity: 1 });
    const leader = await eventually('a replica to hold the publishing lock while it sends', lockHolder, 5_000);
    const other = replicas.find((r) => r !== leader)!;
    await sleep(500);
    leader.proc.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    process.kill(brokerPid(), 'SIGCONT');
    try {
      for (let i = 1; i < 6; i++) {
        const quantity = 1 + (i % 3);
        const res = await place(other.url, quantity);
        expect(res.status).toBe(201);
        placed.push({ id: res.json.id, quantity });
        await sleep(300);
      }
      // Every order reaches a final state while the holder is still frozen.
      await eventually(
        'every order placed around the freeze to be final',
        async () => {
          outboxChecks.push((await request('GET', `${other.url}/readyz`)).json.checks?.outbox);
          const states = await Promise.all(placed.map((p) => orderAt(other.url, p.id)));
          return states.every((o) => FINAL.includes(o.status)) ? states : undefined;
        },
        FREEZE_MS - 1_000 - (Date.now() - frozenAt),
      );
      const finalAfterMs = Date.now() - frozenAt;
      console.log(`orders final ${finalAfterMs} ms after the publishing replica froze`);
      expect(finalAfterMs).toBeLessThan(FINAL_BOUND_MS);
      expect(await metric(other.url, 'outbox_relay_leader')).toBe(1);
      // The takeover came before OUTBOX_MAX_AGE_MS: the healthy replica never left service on the outbox's account.
      expect(outboxChecks.every((c) => c === 'ok')).toBe(true);
      expect(leader.proc.child.exitCode).toBeNull();
      const left = FREEZE_MS - (Date.now() - frozenAt);
      if (left > 0) await sleep(left);
    } finally {
      leader.proc.child.kill('SIGCONT');
    }

    // The resumed replica finds its lock gone (its send goes out again: a duplicate the consumers
    // drop), stays up, and serves again.
    await eventually('the resumed replica to answer', async () => ((await request('GET', `${leader.url}/healthz`)).status === 200 ? true : undefined));
    const after = await place(leader.url, 1);
    expect(after.status).toBe(201);
    placed.push({ id: after.json.id, quantity: 1 });
    await eventually('the order placed after the freeze to be final', async () =>
      FINAL.includes((await orderAt(other.url, after.json.id)).status) ? true : undefined,
    );
    await sleep(3_000); // time for a late duplicate to arrive

    for (const p of placed) {
      const order = await orderAt(other.url, p.id);
      expect(order.status).toBe('CONFIRMED');
      const events = order.history.map((h: { event: string }) => h.event);
      expect(events.filter((e: string) => e === 'StockReserved')).toHaveLength(1);
      expect(events.filter((e: string) => e === 'DeliveryScheduled')).toHaveLength(1);
      expect((await request('GET', `${inventory()}/reservations/${p.id}`)).json.status).toBe('RESERVED');
      expect((await request('GET', `${system.url('delivery')}/deliveries/${p.id}`)).json.status).toBe('SCHEDULED');
    }
    // The first order's event was in flight when its publisher froze: its successor sent it again,
    // and the frozen one's send completed on resume. However many copies the topic holds, it took effect once.
    const copies = (await readTopic(system.servers.kafka.brokers, `${system.prefix}order.events`, () => false, 5_000)).filter(
      (m) => m.key === first.json.id && m.headers['event-type'] === 'OrderPlaced',
    ).length;
    console.log(`OrderPlaced of the order in flight at the freeze is on the topic ${copies} time(s)`);
    expect(copies).toBeGreaterThanOrEqual(1);
    // Stock was taken exactly once per order.
    const taken = placed.reduce((sum, p) => sum + p.quantity, 0);
    expect((await request('GET', `${inventory()}/stock/apple`)).json.available).toBe(100 - taken);
    await leaderAndOther();
  }, 180_000);

  it('reports the outbox stalled (degraded, still taking orders) once the backlog is older than OUTBOX_MAX_AGE_MS while the broker is unreachable, and ok again when it is back', async () => {
    const { leader, other } = await leaderAndOther();
    await stopKafka(config, log);
    const placed = await place(other.url, 1);
    expect(placed.status).toBe(201);
    const placedAt = Date.now();

    const outbox = async (url: string) => (await request('GET', `${url}/readyz`)).json.checks.outbox as string;
    expect(await outbox(leader.url)).toBe('ok');
    const stalled = await eventually(
      'both replicas to report the outbox stalled',
      async () => {
        const [l, o] = [await outbox(leader.url), await outbox(other.url)];
        return l !== 'ok' && o !== 'ok' ? { leader: l, other: o, at: Date.now() } : undefined;
      },
      MAX_AGE_MS + 15_000,
    );
    // Not before the bound: a young backlog is what the outbox is for.
    expect(stalled.at - placedAt).toBeGreaterThanOrEqual(MAX_AGE_MS - 1_000);
    // Each says why, in words: its own sends fail, or (while the other holds the lock) nothing gets out.
    const why = /^stalled: 1 events unpublished, the oldest for \d+ s \(bound 20 s\); (Kafka does not take this replica's events|no replica has published for \d+ s)$/;
    expect(stalled.leader).toMatch(why);
    expect(stalled.other).toMatch(why);
    // order is the public service: a stalled outbox degrades it, it keeps taking orders (README, "Readiness").
    const body = await request('GET', `${leader.url}/readyz`);
    expect(body.status).toBe(200);
    expect(body.json).toMatchObject({ ready: true, status: 'degraded' });
    expect((await place(leader.url, 1)).status).toBe(201);

    expect(await metric(leader.url, 'outbox_backlog_events')).toBe(1);
    expect(await metric(leader.url, 'outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(MAX_AGE_MS / 1000 - 1);
    // The lock goes from one failing replica to the other (a holder cut off alone hands it on), so count both.
    const failures = await Promise.all(replicas.map((r) => metric(r.url, 'outbox_publish_failures_total', { reason: 'broker' })));
    expect(failures.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBeGreaterThan(0);

    await startKafka(config, log);
    await eventually('the order placed during the outage to be final', async () =>
      FINAL.includes((await orderAt(other.url, placed.json.id)).status) ? true : undefined,
    60_000);
    await eventually('both replicas to report the outbox ok', async () =>
      (await outbox(leader.url)) === 'ok' && (await outbox(other.url)) === 'ok' ? true : undefined,
    );
    // The outcome event the saga just wrote goes out too: the backlog empties.
    await eventually('the backlog to empty', async () => ((await metric(leader.url, 'outbox_backlog_events')) === 0 ? true : undefined));
    expect(await metric(leader.url, 'outbox_oldest_unpublished_age_seconds')).toBe(0);
  }, 180_000);
});
