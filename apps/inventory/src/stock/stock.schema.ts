import { z } from 'zod';

export const skuParams = z.object({ sku: z.string().regex(/^[a-z0-9-]{1,64}$/).meta({ examples: ['apple'] }) }).strict();
export const setStockBody = z.object({ available: z.number().int().min(0).max(1_000_000) }).strict().meta({ examples: [{ available: 25 }] });
export const orderIdParams = z.object({ orderId: z.uuid() }).strict();

const strict = <P extends Record<string, unknown>>(properties: P, required: string[] = Object.keys(properties)) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

export const stockResponse = strict({ sku: { type: 'string' }, available: { type: 'integer', minimum: 0 } });

export const reservationResponse = strict({
  orderId: { type: 'string', format: 'uuid' },
  items: { type: 'array', items: strict({ sku: { type: 'string' }, quantity: { type: 'integer' } }) },
  status: {
    type: 'string',
    enum: ['RESERVED', 'REJECTED', 'RELEASED', 'CANCELLED'],
    description: 'CANCELLED: the order was cancelled before any stock was reserved for it (items empty)',
  },
  reason: { type: ['string', 'null'], description: 'why the stock was not reserved (REJECTED), or was given back or never taken (RELEASED, CANCELLED)' },
});
