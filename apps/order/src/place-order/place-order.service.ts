import { createHash, randomUUID } from 'node:crypto';
import { UnprocessableError, withTransaction, type Dependency, type ServiceContext } from '@msa/service-kit';
import { quoteDeliveryFee } from '../delivery-quote/delivery-quote.ts';
import { orders, type Order } from '../order.repository.ts';
import type { OrderEnv } from '../env.ts';
import { idempotencyKeys, type IdempotencyRecord } from './idempotency.repository.ts';
import type { PlaceOrderBody } from './place-order.schema.ts';

export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different order; use a new key for a new order', 'headers.idempotency-key');
  }
}

export interface PlacedOrder {
  id: string;
  /** false when an earlier request with the same key and body created it. */
  created: boolean;
  /** The order as this request wrote it (not when it replays an earlier one). */
  order?: Order;
}

/** The body in a fixed form (validation already refused any other property), hashed. */
function requestHash(body: PlaceOrderBody): string {
  const canonical = JSON.stringify({ items: body.items.map((i) => [i.sku, i.quantity]), address: body.address });
  return createHash('sha256').update(canonical).digest('hex');
}

function replay(prior: IdempotencyRecord, hash: string): PlacedOrder {
  if (prior.requestHash !== hash) throw new IdempotencyKeyReusedError();
  return { id: prior.orderId, created: false };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown })?.code === '23505';
}

/**
 * Creates the order PENDING and, in the same transaction, the OrderPlaced event that starts the saga
 * and the idempotency key if the client sent one; a repeat of the key (by the same customer) returns the first order.
 */
export async function placeOrder(
  ctx: ServiceContext<OrderEnv>,
  delivery: Dependency,
  customer: string,
  body: PlaceOrderBody,
  key?: string,
): Promise<PlacedOrder> {
  const hash = requestHash(body);
  if (key) {
    const prior = await idempotencyKeys.find(ctx.pool, customer, key);
    if (prior) return replay(prior, hash);
  }
  const fee = await quoteDeliveryFee(delivery, body.address, ctx.env.FALLBACK_DELIVERY_FEE);
  const id = randomUUID();
  let order: Order;
  try {
    order = await withTransaction(ctx.pool, async (tx) => {
      const written = await orders.insert(tx, { id, customer, items: body.items, address: body.address, fee: fee.amount, feeSource: fee.source });
      if (key) await idempotencyKeys.insert(tx, customer, key, hash, id);
      await ctx.publish(tx, 'order.events', 'OrderPlaced', id, { orderId: id, items: body.items, address: body.address });
      return written;
    });
  } catch (error) {
    // A concurrent request with the same key committed first: answer as its retry.
    const prior = key && isUniqueViolation(error) ? await idempotencyKeys.find(ctx.pool, customer, key) : undefined;
    if (prior) return replay(prior, hash);
    throw error;
  }
  return { id, created: true, order };
}
