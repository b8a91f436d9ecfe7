import { storableText } from '@msa/service-kit';
import { z } from 'zod';

/** The same form inventory keeps its stock under, so an order can only name a sku that could exist. */
export const sku = z.string().regex(/^[a-z0-9-]{1,64}$/);

/**
 * Business limits of one order (a 400 naming the field above them): enough for any household order,
 * too little for one request (or a few, under the per-caller rate limit) to reserve a sku's whole stock.
 */
export const ORDER_LIMITS = { maxLines: 20, maxQuantityPerLine: 100 } as const;

export const placeOrderBody = z
  .object({
    items: z
      .array(
        z
          .object({
            sku,
            quantity: z.number().int().min(1).max(ORDER_LIMITS.maxQuantityPerLine).describe(`units of the sku, 1 to ${ORDER_LIMITS.maxQuantityPerLine}`),
          })
          .strict(),
      )
      .min(1)
      .max(ORDER_LIMITS.maxLines)
      .describe(`1 to ${ORDER_LIMITS.maxLines} lines`),
    address: storableText(1, 200),
  })
  .strict()
  .meta({ examples: [{ items: [{ sku: 'apple', quantity: 2 }], address: '1 Main Street' }] });

export type PlaceOrderBody = z.infer<typeof placeOrderBody>;

/**
 * `Idempotency-Key`: a client's retry of the same order with the same key gets the same order back.
 * Visible ASCII, as the HTTP header field allows without quoting; a UUID fits.
 */
export const placeOrderHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: '^[!-~]+$',
      examples: ['6f1c2a9e-7d4b-4f5e-9a7c-1b2d3e4f5a6b'],
      description: 'Repeating a request with the same key and body returns the same order (200); with another body it is refused (422)',
    },
  },
} as const;
