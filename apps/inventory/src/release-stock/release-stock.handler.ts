import { PermanentError, type EventHandler, type ServiceContext, type Tx } from '@msa/service-kit';
import { reservations, stock } from '../stock.repository.ts';

/** Gives back exactly what the reservation took, once; a reservation not (or no longer) held is left as it is. */
async function release(ctx: ServiceContext, tx: Tx, orderId: string, reason: string): Promise<'released' | 'not-held' | 'none'> {
  const reservation = await reservations.forUpdate(tx, orderId);
  if (!reservation) return 'none';
  if (reservation.status !== 'RESERVED') return 'not-held'; // released already, rejected, or cancelled before reserving
  await stock.adjust(tx, reservation.items, 1);
  await reservations.save(tx, orderId, reservation.items, 'RELEASED', reason);
  await ctx.publish(tx, 'inventory.events', 'StockReleased', orderId, { orderId, reason });
  return 'released';
}

/** DeliveryFailed: the compensating transaction of the delivery step. */
export function releaseStock(ctx: ServiceContext): EventHandler {
  return async (tx, event) => {
    const orderId = String(event.data.orderId ?? event.key);
    const outcome = await release(ctx, tx, orderId, String(event.data.reason ?? 'delivery failed'));
    if (outcome === 'none') throw new PermanentError(`DeliveryFailed for order ${orderId}, which has no reservation`);
  };
}

/**
 * OrderCancelled (the order's saga deadline passed, or its compensation ended): release what is held.
 * An order cancelled before its OrderPlaced was handled gets a CANCELLED reservation of nothing, so a
 * late OrderPlaced finds it decided and takes no stock.
 */
export function releaseOnOrderCancelled(ctx: ServiceContext): EventHandler {
  return async (tx, event) => {
    const orderId = String(event.data.orderId ?? event.key);
    const reason = String(event.data.reason ?? 'order cancelled');
    if ((await release(ctx, tx, orderId, reason)) === 'none') {
      await reservations.save(tx, orderId, [], 'CANCELLED', reason);
    }
  };
}
