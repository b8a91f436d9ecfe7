import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '@platformatic/kafka';
import { connectionSettings } from '@msa/local-servers';
import { createServiceDatabase, dropServiceDatabase } from '@msa/system-tests';
import { createLogger, createMetrics, createPool, createProducer, enqueue, migrate, newEnvelope, OutboxRelay, withTransaction, type Pool } from '../src/index.ts';
import { onOutboxCommitted } from '../src/events/outbox-signal.ts';

// The relays below poll once a minute: an event out within a few seconds was woken, not polled.
const POLL_MS = 60_000;
const servers = connectionSettings();
const id = randomBytes(3).toString('hex');
const prefix = `wakeup${id}.`;
let url: string;
let pool: Pool;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const db = await createServiceDatabase(servers.postgres.url, `wakeup${id}`);
  url = db.url;
  await migrate(url, path.resolve(import.meta.dirname, '../../../apps/order/migrations'));
  pool = createPool(url, () => undefined);
  const admin = new Admin({ clientId: 'wakeup-test', bootstrapBrokers: servers.kafka.brokers });
  await admin.createTopics({ topics: [`${prefix}order.events`], partitions: 1, replicas: 1 });
  await admin.close();
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await pool?.end();
  await dropServiceDatabase(servers.postgres.url, `wakeup${id}`);
});

async function startRelay(relayPool: Pool, name: string): Promise<OutboxRelay> {
  const producer = createProducer(name, servers.kafka.brokers);
  const relay = new OutboxRelay({ pool: relayPool, producer, topicPrefix: prefix, batchSize: 10, pollMs: POLL_MS, log: createLogger(name, 'silent'), metrics: createMetrics(name) });
  cleanup.push(() => producer.close(), () => relay.stop());
  await relay.start();
  return relay;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function commitEvent(writer: Pool, key: string): Promise<string> {
  const event = newEnvelope('order', 'OrderPlaced', key, { orderId: key });
  await withTransaction(writer, (tx) => enqueue(tx, 'order.events', event));
  return event.id;
}

const published = async (eventId: string) =>
  (await pool.query('SELECT 1 FROM outbox WHERE id = $1 AND published_at IS NOT NULL', [eventId])).rowCount === 1;

describe('waking the outbox relay without a NOTIFY per row', () => {
  it('hears of a commit that wrote outbox rows once, after the commit, and of a rollback not at all', async () => {
    const heard: string[] = [];
    const stop = onOutboxCommitted(pool, () => heard.push('commit'));
    try {
      await withTransaction(pool, async (tx) => {
        await enqueue(tx, 'order.events', newEnvelope('order', 'OrderPlaced', 'w-1', {}));
        await enqueue(tx, 'order.events', newEnvelope('order', 'OrderPlaced', 'w-1', {}));
        expect(heard).toEqual([]); // not before the commit
      });
      expect(heard).toEqual(['commit']);
      await expect(
        withTransaction(pool, async (tx) => {
          await enqueue(tx, 'order.events', newEnvelope('order', 'OrderPlaced', 'w-2', {}));
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');
      await withTransaction(pool, (tx) => tx.query('SELECT 1')); // no outbox row: nothing to hear
      expect(heard).toEqual(['commit']);
    } finally {
      stop();
    }
  });

  it('publishes an event committed in its own process at once, long before its next poll', async () => {
    const relay = await startRelay(pool, 'holder');
    await until(() => relay.state === 'publishing', 10_000);
    const eventId = await commitEvent(pool, 'w-3');
    await until(() => published(eventId), 5_000);
    await relay.stop();
  }, 30_000);

  it('is woken by a replica that does not hold the publishing lock, when that replica commits', async () => {
    // A second pool stands for another replica: its commits are not heard in the holder's pool.
    const otherPool = createPool(url, () => undefined);
    cleanup.push(() => otherPool.end());
    const holder = await startRelay(pool, 'holder-2');
    await until(() => holder.state === 'publishing', 10_000);
    const standby = await startRelay(otherPool, 'standby');
    await until(() => standby.state === 'standby', 10_000);
    const eventId = await commitEvent(otherPool, 'w-4');
    await until(() => published(eventId), 5_000);
  }, 30_000);
});
