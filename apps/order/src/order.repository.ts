import type { Pool, Tx } from '@msa/service-kit';
import type { OrderStatus } from './domain/order-status.ts';

export interface OrderItem {
  sku: string;
  quantity: number;
}

export interface Order {
  id: string;
  /** The token subject that placed it (null for orders older than ownership); not part of the API's body. */
  customerId: string | null;
  status: OrderStatus;
  items: OrderItem[];
  address: string;
  deliveryFee: { amount: number; source: 'quote' | 'fallback' };
  createdAt: string;
  updatedAt: string;
  history: { event: string; status: OrderStatus; detail: Record<string, unknown>; at: string }[];
}

interface OrderRow {
  id: string;
  customer_id: string | null;
  status: OrderStatus;
  items: OrderItem[];
  address: string;
  delivery_fee: string;
  fee_source: 'quote' | 'fallback';
  created_at: Date;
  updated_at: Date;
}

/** The order service's own tables; every write takes the caller's transaction. */
export const orders = {
  /** The order and its first history entry in one statement; returns the order as written, so nothing reads it back. */
  async insert(tx: Tx, o: { id: string; customer: string; items: OrderItem[]; address: string; fee: number; feeSource: 'quote' | 'fallback' }): Promise<Order> {
    const { rows } = await tx.query<OrderRow & { at: Date }>(
      `WITH o AS (
         INSERT INTO orders (id, customer_id, status, items, address, delivery_fee, fee_source) VALUES ($1, $2, 'PENDING', $3, $4, $5, $6) RETURNING *
       ), h AS (
         INSERT INTO order_history (order_id, seq, event, status, detail) SELECT id, 1, 'OrderPlaced', 'PENDING', '{}' FROM o RETURNING at
       )
       SELECT o.*, h.at FROM o, h`,
      [o.id, o.customer, JSON.stringify(o.items), o.address, o.fee, o.feeSource],
    );
    const row = rows[0]!;
    return toOrder(row, [{ event: 'OrderPlaced', status: 'PENDING', detail: {}, at: row.at }]);
  },

  /** Locks the order row for the rest of the transaction. */
  async statusForUpdate(tx: Tx, id: string): Promise<OrderStatus | undefined> {
    const { rows } = await tx.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = $1 FOR UPDATE', [id]);
    return rows[0]?.status;
  },

  /**
   * Orders still open `olderThanMs` after they were placed, locked; rows another replica holds are
   * skipped, so two sweeping replicas never cancel the same order twice. Under the lock the status is
   * read again, so an order that became final meanwhile is not returned.
   */
  async overdueForUpdate(tx: Tx, olderThanMs: number, limit: number): Promise<{ id: string; status: OrderStatus }[]> {
    const { rows } = await tx.query<{ id: string; status: OrderStatus }>(
      `SELECT id, status FROM orders
        WHERE status NOT IN ('CONFIRMED', 'REJECTED', 'CANCELLED')
          AND created_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY created_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [olderThanMs, limit],
    );
    return rows;
  },

  /** Returns how long ago the order was placed, in seconds: a final status ends its saga, and that is the saga's duration. */
  async setStatus(tx: Tx, id: string, status: OrderStatus): Promise<number> {
    const { rows } = await tx.query<{ age_s: number }>(
      'UPDATE orders SET status = $2, updated_at = now() WHERE id = $1 RETURNING extract(epoch FROM now() - created_at)::float8 AS age_s',
      [id, status],
    );
    return rows[0]?.age_s ?? 0;
  },

  /**
   * Records the event in the order's history and sets its status, in one statement (one round trip).
   * Returns the order's age in seconds when its status changed (the saga's duration at a final
   * state), 0 when it stayed.
   */
  async transition(tx: Tx, id: string, event: string, status: OrderStatus, detail: Record<string, unknown>): Promise<number> {
    const { rows } = await tx.query<{ age_s: number }>(
      `WITH h AS (
         INSERT INTO order_history (order_id, seq, event, status, detail)
         VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = $1), $2, $3, $4)
       )
       UPDATE orders SET status = $3, updated_at = now() WHERE id = $1 AND status IS DISTINCT FROM $3
       RETURNING extract(epoch FROM now() - created_at)::float8 AS age_s`,
      [id, event, status, JSON.stringify(detail)],
    );
    return rows[0]?.age_s ?? 0;
  },

  async addHistory(tx: Tx, id: string, event: string, status: OrderStatus, detail: Record<string, unknown>): Promise<void> {
    await tx.query(
      `INSERT INTO order_history (order_id, seq, event, status, detail)
       VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = $1), $2, $3, $4)`,
      [id, event, status, JSON.stringify(detail)],
    );
  },

  async find(db: Pool, id: string): Promise<Order | undefined> {
    const { rows } = await db.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return undefined;
    const history = await db.query<{ event: string; status: OrderStatus; detail: Record<string, unknown>; at: Date }>(
      'SELECT event, status, detail, at FROM order_history WHERE order_id = $1 ORDER BY seq',
      [id],
    );
    return toOrder(row, history.rows);
  },
};

function toOrder(row: OrderRow, history: { event: string; status: OrderStatus; detail: Record<string, unknown>; at: Date }[]): Order {
  return {
    id: row.id,
    customerId: row.customer_id,
    status: row.status,
    items: row.items,
    address: row.address,
    deliveryFee: { amount: Number(row.delivery_fee), source: row.fee_source },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    history: history.map((h) => ({ ...h, at: h.at.toISOString() })),
  };
}
