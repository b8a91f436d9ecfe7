import { randomUUID } from 'node:crypto';
import { withTransaction, type Dependency, type ServiceContext } from '@msa/service-kit';
import { quoteDeliveryFee } from '../delivery-quote/delivery-quote.ts';
import { orders } from '../order.repository.ts';
import type { OrderEnv } from '../env.ts';
import type { PlaceOrderBody } from './place-order.schema.ts';

/** Creates the order PENDING and, in the same transaction, the OrderPlaced event that starts the saga. */
export async function placeOrder(ctx: ServiceContext<OrderEnv>, delivery: Dependency, body: PlaceOrderBody): Promise<string> {
  const fee = await quoteDeliveryFee(delivery, body.address, ctx.env.FALLBACK_DELIVERY_FEE);
  const id = randomUUID();
  await withTransaction(ctx.pool, async (tx) => {
    await orders.insert(tx, { id, items: body.items, address: body.address, fee: fee.amount, feeSource: fee.source });
    await ctx.publish(tx, 'order.events', 'OrderPlaced', id, { orderId: id, items: body.items, address: body.address });
  });
  return id;
}
