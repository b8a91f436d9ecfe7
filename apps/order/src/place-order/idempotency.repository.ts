import type { Pool, Tx } from '@msa/service-kit';

export interface IdempotencyRecord {
  orderId: string;
  requestHash: string;
}

/** The order service's record of which order each Idempotency-Key created. */
export const idempotencyKeys = {
  /** Inside the order's transaction; a second request with the key fails with a unique violation (23505). */
  async insert(tx: Tx, customer: string, key: string, requestHash: string, orderId: string): Promise<void> {
    await tx.query('INSERT INTO idempotency_keys (customer_id, key, request_hash, order_id) VALUES ($1, $2, $3, $4)', [customer, key, requestHash, orderId]);
  },

  /** Keys are per customer: one customer's key never finds another's order. */
  async find(db: Pool, customer: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await db.query<{ order_id: string; request_hash: string }>(
      'SELECT order_id, request_hash FROM idempotency_keys WHERE customer_id = $1 AND key = $2',
      [customer, key],
    );
    const row = rows[0];
    return row && { orderId: row.order_id, requestHash: row.request_hash };
  },
};
