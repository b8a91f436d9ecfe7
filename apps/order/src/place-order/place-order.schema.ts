import { z } from 'zod';

export const placeOrderBody = z
  .object({
    items: z
      .array(
        z
          .object({
            sku: z.string().min(1).max(64),
            quantity: z.number().int().min(1).max(1000),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    address: z.string().min(1).max(200),
  })
  .strict();

export type PlaceOrderBody = z.infer<typeof placeOrderBody>;
