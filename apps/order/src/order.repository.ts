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
  async insert(tx: Tx, o: { id: string; customer: string; items: OrderItem[]; address: string; fee: number; feeSource: 'quote' | 'fallback' }) {
    await tx.query(
      `INSERT INTO orders (id, customer_id, status, items, address, delivery_fee, fee_source) VALUES ($1, $2, 'PENDING', $3, $4, $5, $6)`,
      [o.id, o.customer, JSON.stringify(o.items), o.address, o.fee, o.feeSource],
    );
    await this.addHistory(tx, o.id, 'OrderPlaced', 'PENDING', {});
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

  async setStatus(tx: Tx, id: string, status: OrderStatus): Promise<void> {
    await tx.query('UPDATE orders SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
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
    return {
      id: row.id,
      customerId: row.customer_id,
      status: row.status,
      items: row.items,
      address: row.address,
      deliveryFee: { amount: Number(row.delivery_fee), source: row.fee_source },
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      history: history.rows.map((h) => ({ ...h, at: h.at.toISOString() })),
    };
  },
};
