import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, eventually, metric, request, sendRaw, TestSystem } from '../src/index.ts';

let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({
    only: ['inventory'],
    env: { inventory: { OUTBOX_RETENTION_MS: '4000', PROCESSED_RETENTION_MS: '4000', RETENTION_INTERVAL_MS: '500', RETENTION_BATCH_SIZE: '1' } },
  });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

/** Rows of the service's own database, read as its owner would (the test inspects, it does not write). */
async function rows(sql: string, values: unknown[]): Promise<number> {
  const client = new pg.Client({ connectionString: system.databases.get('inventory')!.url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe('retention in a running service', () => {
  it('deletes the published outbox row and the processed-message mark of a message once they are past their age, not before', async () => {
    const orderId = randomUUID();
    const placed = envelope('OrderPlaced', orderId, { orderId, items: [{ sku: 'pear', quantity: 1 }], address: 'x' });
    await sendRaw(system.servers.kafka.brokers, `${system.prefix}order.events`, [{ key: orderId, value: JSON.stringify(placed) }]);
    await eventually('the reservation', async () => ((await request('GET', `${system.url('inventory')}/reservations/${orderId}`)).status === 200 ? true : undefined));
    await eventually('StockReserved to be published', async () =>
      (await rows(`SELECT 1 FROM outbox WHERE key = $1 AND published_at IS NOT NULL`, [orderId])) === 1 ? true : undefined,
    );
    const processedAt = Date.now();
    // Young rows stay.
    expect(await rows(`SELECT 1 FROM processed_messages WHERE message_id = $1`, [placed.id])).toBe(1);

    await eventually(
      'both rows to be deleted',
      async () =>
        (await rows(`SELECT 1 FROM outbox WHERE key = $1`, [orderId])) === 0 && (await rows(`SELECT 1 FROM processed_messages WHERE message_id = $1`, [placed.id])) === 0
          ? true
          : undefined,
      20_000,
    );
    expect(Date.now() - processedAt).toBeGreaterThan(3_000);
    expect(await metric(system.url('inventory'), 'retention_deleted_rows_total', { table: 'outbox' })).toBeGreaterThanOrEqual(1);
    expect(await metric(system.url('inventory'), 'retention_deleted_rows_total', { table: 'processed_messages' })).toBeGreaterThanOrEqual(1);
    // The reservation itself is the service's state, not bookkeeping: it stays.
    expect((await request('GET', `${system.url('inventory')}/reservations/${orderId}`)).json.status).toBe('RESERVED');
  }, 60_000);
});
