import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '@platformatic/kafka';
import { connectionSettings } from '@msa/local-servers';
import { createServiceDatabase, dropServiceDatabase, readTopic } from '@msa/system-tests';
import {
  createLogger,
  createMetrics,
  createPool,
  createProducer,
  enqueue,
  migrate,
  newEnvelope,
  OutboxRelay,
  withTransaction,
  type Pool,
} from '../src/index.ts';

const servers = connectionSettings();
const id = randomBytes(3).toString('hex');
const prefix = `outbox${id}.`;
let pool: Pool;

beforeAll(async () => {
  const db = await createServiceDatabase(servers.postgres.url, `outbox${id}`);
  await migrate(db.url, path.resolve(import.meta.dirname, '../../../apps/order/migrations'));
  pool = createPool(db.url, () => undefined);
  const admin = new Admin({ clientId: 'outbox-test', bootstrapBrokers: servers.kafka.brokers });
  await admin.createTopics({ topics: [`${prefix}order.events`], partitions: 3, replicas: 1 });
  await admin.close();
});

afterAll(async () => {
  await pool?.end();
  await dropServiceDatabase(servers.postgres.url, `outbox${id}`);
});

describe('the transactional outbox', () => {
  it('publishes, after a restart, an event committed while no relay was running (a crash between commit and publish)', async () => {
    const event = newEnvelope('order', 'OrderPlaced', 'order-1', { orderId: 'order-1' });
    await withTransaction(pool, (tx) => enqueue(tx, 'order.events', event));

    const producer = createProducer('outbox-test', servers.kafka.brokers);
    const relay = new OutboxRelay({
      pool,
      producer,
      topicPrefix: prefix,
      batchSize: 10,
      pollMs: 50,
      log: createLogger('outbox-test', 'silent'),
      metrics: createMetrics('outbox-test'),
    });
    await relay.start();
    const seen = await readTopic(servers.kafka.brokers, `${prefix}order.events`, (m) => m.key === 'order-1');
    await relay.stop();
    await producer.close();

    expect(JSON.parse(seen.at(-1)!.value)).toEqual(event);
    expect(seen.at(-1)!.headers['event-type']).toBe('OrderPlaced');
    const { rows } = await pool.query('SELECT published_at FROM outbox WHERE id = $1', [event.id]);
    expect(rows[0].published_at).toBeInstanceOf(Date);
  });

  it('writes nothing when the state change rolls back', async () => {
    const event = newEnvelope('order', 'OrderPlaced', 'order-2', {});
    await expect(
      withTransaction(pool, async (tx) => {
        await enqueue(tx, 'order.events', event);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const { rowCount } = await pool.query('SELECT 1 FROM outbox WHERE id = $1', [event.id]);
    expect(rowCount).toBe(0);
  });
});
