import type { EventHandler, ServiceContext } from '@msa/service-kit';
import type { DeliveryEnv } from '../env.ts';

/**
 * OrderCancelled: a scheduled delivery is cancelled and DeliveryCancelled announced. OrderCancelled
 * and StockReserved come on two topics, so the cancellation may come first: then a CANCELLED row is
 * written, and the StockReserved that arrives later finds the order decided and schedules nothing.
 */
export function cancelDelivery(ctx: ServiceContext<DeliveryEnv>): EventHandler {
  return async (tx, event) => {
    const orderId = String(event.data.orderId ?? event.key);
    const reason = String(event.data.reason ?? 'order cancelled');
    const { rows } = await tx.query<{ status: string }>('SELECT status FROM deliveries WHERE order_id = $1 FOR UPDATE', [orderId]);
    const status = rows[0]?.status;
    if (status === undefined) {
      // A StockReserved handled by another replica at this moment may take the row first: then the
      // insert waits for it, does nothing, and the row is read again (it is SCHEDULED now).
      const inserted = await tx.query(
        `INSERT INTO deliveries (order_id, address, status, reason) VALUES ($1, NULL, 'CANCELLED', $2) ON CONFLICT (order_id) DO NOTHING`,
        [orderId, reason],
      );
      if (inserted.rowCount === 1) return;
      return cancelDelivery(ctx)(tx, event);
    }
    if (status !== 'SCHEDULED') return; // failed or cancelled already: nothing to undo
    await tx.query(`UPDATE deliveries SET status = 'CANCELLED', reason = $2 WHERE order_id = $1`, [orderId, reason]);
    await ctx.publish(tx, 'delivery.events', 'DeliveryCancelled', orderId, { orderId, reason });
  };
}
