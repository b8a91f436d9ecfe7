import { PermanentError, type EventHandler, type ServiceContext } from '@msa/service-kit';
import { etaFrom, undeliverableReason } from '../domain.ts';
import type { DeliveryEnv } from '../env.ts';
import { z } from 'zod';

/** What this consumer needs of StockReserved; test/consumed-events.test.ts holds it to the producer's examples. */
export const stockReserved = z.object({ orderId: z.string().min(1), address: z.string() });

/** StockReserved: schedule the delivery, or fail it so inventory compensates. */
export function scheduleDelivery(ctx: ServiceContext<DeliveryEnv>): EventHandler {
  return async (tx, event) => {
    const parsed = stockReserved.safeParse(event.data);
    if (!parsed.success) throw new PermanentError('StockReserved needs data.orderId and data.address');
    const { orderId, address } = parsed.data;
    const exists = await tx.query('SELECT 1 FROM deliveries WHERE order_id = $1', [orderId]);
    if (exists.rowCount) return; // decided already (scheduled, failed, or the order was cancelled first)
    const reason = undeliverableReason(address, ctx.env.UNDELIVERABLE_PATTERN);
    if (reason) {
      const failed = await tx.query(
        `INSERT INTO deliveries (order_id, address, status, reason) VALUES ($1, $2, 'FAILED', $3) ON CONFLICT (order_id) DO NOTHING`,
        [orderId, address, reason],
      );
      // A concurrent OrderCancelled (another replica) decided the order between the check and the insert.
      if (failed.rowCount === 0) return;
      await ctx.publish(tx, 'delivery.events', 'DeliveryFailed', orderId, { orderId, reason });
      return;
    }
    const eta = etaFrom(new Date());
    const scheduled = await tx.query(
      `INSERT INTO deliveries (order_id, address, status, eta) VALUES ($1, $2, 'SCHEDULED', $3) ON CONFLICT (order_id) DO NOTHING`,
      [orderId, address, eta],
    );
    if (scheduled.rowCount === 0) return;
    await ctx.publish(tx, 'delivery.events', 'DeliveryScheduled', orderId, { orderId, eta: eta.toISOString() });
  };
}
