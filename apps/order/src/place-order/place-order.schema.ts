import { storableText } from '@msa/service-kit';
import { z } from 'zod';

/** The same form inventory keeps its stock under, so an order can only name a sku that could exist. */
export const sku = z.string().regex(/^[a-z0-9-]{1,64}$/);

export const placeOrderBody = z
  .object({
    items: z
      .array(z.object({ sku, quantity: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(50),
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
