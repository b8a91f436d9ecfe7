import type { Pool, Tx } from '@msa/service-kit';
import type { Item } from './domain.ts';

export type ReservationStatus = 'RESERVED' | 'REJECTED' | 'RELEASED' | 'CANCELLED';

export const stock = {
  /** Locks the rows of these skus, in sku order so two reservations never deadlock. */
  async lock(tx: Tx, skus: string[]): Promise<Map<string, number>> {
    const { rows } = await tx.query<{ sku: string; available: number }>(
      'SELECT sku, available FROM stock WHERE sku = ANY($1) ORDER BY sku FOR UPDATE',
      [[...new Set(skus)]],
    );
    return new Map(rows.map((r) => [r.sku, r.available]));
  },
  async adjust(tx: Tx, items: Item[], sign: 1 | -1): Promise<void> {
    for (const i of items) {
      await tx.query('UPDATE stock SET available = available + $2, updated_at = now() WHERE sku = $1', [i.sku, sign * i.quantity]);
    }
  },
  async get(db: Pool, sku: string): Promise<number | undefined> {
    const { rows } = await db.query<{ available: number }>('SELECT available FROM stock WHERE sku = $1', [sku]);
    return rows[0]?.available;
  },
  async set(db: Pool, sku: string, available: number): Promise<void> {
    await db.query(
      `INSERT INTO stock (sku, available) VALUES ($1, $2)
       ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available, updated_at = now()`,
      [sku, available],
    );
  },
};

export const reservations = {
  async forUpdate(tx: Tx, orderId: string): Promise<{ items: Item[]; status: ReservationStatus } | undefined> {
    const { rows } = await tx.query<{ items: Item[]; status: ReservationStatus }>(
      'SELECT items, status FROM reservations WHERE order_id = $1 FOR UPDATE',
      [orderId],
    );
    return rows[0];
  },
  async save(tx: Tx, orderId: string, items: Item[], status: ReservationStatus, reason?: string): Promise<void> {
    await tx.query(
      `INSERT INTO reservations (order_id, items, status, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, updated_at = now()`,
      [orderId, JSON.stringify(items), status, reason ?? null],
    );
  },
  async find(db: Pool, orderId: string) {
    const { rows } = await db.query<{ order_id: string; items: Item[]; status: ReservationStatus; reason: string | null }>(
      'SELECT order_id, items, status, reason FROM reservations WHERE order_id = $1',
      [orderId],
    );
    const r = rows[0];
    return r && { orderId: r.order_id, items: r.items, status: r.status, reason: r.reason };
  },
};
