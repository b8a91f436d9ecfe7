import { PermanentError, type EventHandler, type ServiceContext } from '@msa/service-kit';
import { reservations, stock } from '../stock.repository.ts';

/** DeliveryFailed: the compensating transaction, giving back exactly what the reservation took. */
export function releaseStock(ctx: ServiceContext): EventHandler {
  return async (tx, event) => {
    const orderId = String(event.data.orderId ?? event.key);
    const reservation = await reservations.forUpdate(tx, orderId);
    if (!reservation) throw new PermanentError(`DeliveryFailed for order ${orderId}, which has no reservation`);
    if (reservation.status !== 'RESERVED') return; // released already
    await stock.adjust(tx, reservation.items, 1);
    await reservations.save(tx, orderId, reservation.items, 'RELEASED', String(event.data.reason ?? 'delivery failed'));
    await ctx.publish(tx, 'inventory.events', 'StockReleased', orderId, { orderId, reason: event.data.reason ?? 'delivery failed' });
  };
}
