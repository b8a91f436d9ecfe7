import { PermanentError, type EventHandler, type ServiceContext } from '@msa/service-kit';
import { z } from 'zod';
import { shortage } from '../domain.ts';
import { reservations, stock } from '../stock.repository.ts';

/** What this consumer needs of OrderPlaced; test/consumed-events.test.ts holds it to the producer's examples. */
export const orderPlaced = z.object({
  orderId: z.uuid(),
  items: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })).min(1),
  address: z.string(),
});

/** OrderPlaced: take the stock for every item, or none of it, and say which. */
export function reserveStock(ctx: ServiceContext): EventHandler {
  return async (tx, event) => {
    const parsed = orderPlaced.safeParse(event.data);
    if (!parsed.success) throw new PermanentError(`OrderPlaced data invalid: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    const { orderId, items, address } = parsed.data;
    if (await reservations.forUpdate(tx, orderId)) return; // decided already, under another message id
    const reason = shortage(items, await stock.lock(tx, items.map((i) => i.sku)));
    if (reason) {
      await reservations.save(tx, orderId, items, 'REJECTED', reason);
      await ctx.publish(tx, 'inventory.events', 'StockRejected', orderId, { orderId, reason });
      return;
    }
    await stock.adjust(tx, items, -1);
    await reservations.save(tx, orderId, items, 'RESERVED');
    await ctx.publish(tx, 'inventory.events', 'StockReserved', orderId, { orderId, items, address });
  };
}
