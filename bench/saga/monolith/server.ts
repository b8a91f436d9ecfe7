/**
 * The monolith baseline: the saga's work (quote, place, reserve, schedule, confirm) in one process
 * and one database transaction, with the services' own domain functions and tables. POST /orders
 * answers with the final status, so its latency is the end-to-end latency.
 * Env: PORT, DATABASE_URL, POOL_MAX (default 10, the services' pool), SEED_SKUS (stock rows bench-0..).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { etaFrom, quoteFee, undeliverableReason } from '../../../apps/delivery/src/domain.ts';
import { shortage } from '../../../apps/inventory/src/domain.ts';
import { nextStatus, type OrderStatus } from '../../../apps/order/src/domain/order-status.ts';
import { placeOrderBody } from '../../../apps/order/src/place-order/place-order.schema.ts';
import { serviceMigrations, upMigrations } from '../schema.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });
const UNDELIVERABLE = /undeliverable|nowhere/i; // delivery's default UNDELIVERABLE_PATTERN

for (const s of ['order', 'inventory', 'delivery']) await pool.query(upMigrations(serviceMigrations(root, s)));
await pool.query(`INSERT INTO stock (sku, available) SELECT 'bench-' || g, 1000000 FROM generate_series(0, $1::int - 1) g`, [Number(process.env.SEED_SKUS ?? 100)]);

type Tx = pg.PoolClient;
const history = (tx: Tx, id: string, event: string, status: OrderStatus, detail: object = {}) =>
  tx.query(
    `INSERT INTO order_history (order_id, seq, event, status, detail)
     VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = $1), $2, $3, $4)`,
    [id, event, status, JSON.stringify(detail)],
  );

/** The whole saga's happy path and its two unhappy ones, as one transaction. */
async function placeOrder(tx: Tx, items: { sku: string; quantity: number }[], address: string): Promise<{ id: string; status: OrderStatus }> {
  const id = randomUUID();
  await tx.query(`INSERT INTO orders (id, status, items, address, delivery_fee, fee_source) VALUES ($1, 'PENDING', $2, $3, $4, 'quote')`, [
    id, JSON.stringify(items), address, quoteFee(address),
  ]);
  await history(tx, id, 'OrderPlaced', 'PENDING');
  const { rows } = await tx.query<{ sku: string; available: number }>('SELECT sku, available FROM stock WHERE sku = ANY($1) ORDER BY sku FOR UPDATE', [
    [...new Set(items.map((i) => i.sku))],
  ]);
  const short = shortage(items, new Map(rows.map((r) => [r.sku, r.available])));
  let status: OrderStatus = 'PENDING';
  const move = async (event: Parameters<typeof nextStatus>[1], detail: object = {}) => {
    status = nextStatus(status, event);
    await history(tx, id, event, status, detail);
  };
  if (short) {
    await tx.query(`INSERT INTO reservations (order_id, items, status, reason) VALUES ($1, $2, 'REJECTED', $3)`, [id, JSON.stringify(items), short]);
    await move('StockRejected', { reason: short });
  } else {
    for (const i of items) await tx.query('UPDATE stock SET available = available - $2, updated_at = now() WHERE sku = $1', [i.sku, i.quantity]);
    await tx.query(`INSERT INTO reservations (order_id, items, status) VALUES ($1, $2, 'RESERVED')`, [id, JSON.stringify(items)]);
    await move('StockReserved', { items });
    const reason = undeliverableReason(address, UNDELIVERABLE);
    if (reason) {
      await tx.query(`INSERT INTO deliveries (order_id, address, status, reason) VALUES ($1, $2, 'FAILED', $3)`, [id, address, reason]);
      for (const i of items) await tx.query('UPDATE stock SET available = available + $2, updated_at = now() WHERE sku = $1', [i.sku, i.quantity]);
      await tx.query(`UPDATE reservations SET status = 'RELEASED', reason = $2 WHERE order_id = $1`, [id, reason]);
      await move('DeliveryFailed', { reason });
      await move('StockReleased', { reason });
    } else {
      const eta = etaFrom(new Date());
      await tx.query(`INSERT INTO deliveries (order_id, address, status, eta) VALUES ($1, $2, 'SCHEDULED', $3)`, [id, address, eta]);
      await move('DeliveryScheduled', { eta: eta.toISOString() });
    }
  }
  await tx.query('UPDATE orders SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
  return { id, status };
}

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/orders', async (req, reply) => {
  const body = placeOrderBody.safeParse(req.body);
  if (!body.success) return reply.status(400).send({ error: body.error.issues[0]?.message });
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const order = await placeOrder(tx, body.data.items, body.data.address);
    await tx.query('COMMIT');
    return reply.status(201).send(order);
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
