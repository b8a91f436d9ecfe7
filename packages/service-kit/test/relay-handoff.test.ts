import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '@platformatic/kafka';
import { connectionSettings } from '@msa/local-servers';
import { createServiceDatabase, dropServiceDatabase, freePort, readTopic } from '@msa/system-tests';
import { createLogger, createMetrics, createPool, createProducer, enqueue, migrate, newEnvelope, OutboxRelay, withTransaction, type Pool } from '../src/index.ts';

const servers = connectionSettings();
const id = randomBytes(3).toString('hex');
const prefix = `handoff${id}.`;
const LEASE_MS = 2_000;
let pool: Pool;

beforeAll(async () => {
  const db = await createServiceDatabase(servers.postgres.url, `handoff${id}`);
  await migrate(db.url, path.resolve(import.meta.dirname, '../../../apps/order/migrations'));
  pool = createPool(db.url, () => undefined);
  const admin = new Admin({ clientId: 'handoff-test', bootstrapBrokers: servers.kafka.brokers });
  await admin.createTopics({ topics: [`${prefix}order.events`], partitions: 1, replicas: 1 });
  await admin.close();
});

afterAll(async () => {
  await pool?.end();
  await dropServiceDatabase(servers.postgres.url, `handoff${id}`);
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function relay(brokers: string[], name: string) {
  const metrics = createMetrics(name);
  const producer = createProducer(name, brokers);
  const r = new OutboxRelay({ pool, producer, topicPrefix: prefix, batchSize: 10, pollMs: 50, leaseMs: LEASE_MS, log: createLogger(name, process.env.HANDOFF_LOG ?? 'silent'), metrics });
  return { relay: r, producer, metrics };
}

describe('the relay lock when only the replica holding it cannot reach the broker', () => {
  it('passes to a replica that can, within a few leases, and the event goes out', async () => {
    // Nothing listens on this port: the first replica's sends all fail.
    const cut = relay([`127.0.0.1:${await freePort()}`], 'cut-off');
    const good = relay(servers.kafka.brokers, 'connected');
    await cut.relay.start();
    await until(() => cut.relay.state === 'publishing'); // holds the lock; nothing to send yet
    await good.relay.start();
    try {
      await until(() => good.relay.state === 'standby');

      const event = newEnvelope('order', 'OrderPlaced', 'handoff-1', { orderId: 'handoff-1' });
      await withTransaction(pool, (tx) => enqueue(tx, 'order.events', event));
      const started = Date.now();
      const seen = await readTopic(servers.kafka.brokers, `${prefix}order.events`, (m) => m.key === 'handoff-1', 30_000);
      expect(JSON.parse(seen.at(-1)!.value).id).toBe(event.id);
      expect(Date.now() - started).toBeLessThan(4 * LEASE_MS + 5_000);

      // The send is visible before the relay marks the rows and settles.
      await until(() => good.relay.state === 'publishing');
      expect((await good.metrics.relayLeader.get()).values[0]?.value).toBe(1);
      expect((await cut.metrics.publishFailures.get()).values.find((v) => v.labels.reason === 'broker')?.value).toBeGreaterThan(0);
    } finally {
      await good.relay.stop();
      await cut.relay.stop();
      await good.producer.close();
      await cut.producer.close().catch(() => undefined);
    }
  }, 60_000);
});
