import { baseEnvSchema } from '@msa/service-kit';
import { z } from 'zod';

export const deliveryEnvSchema = baseEnvSchema.extend({
  /** Addresses matching this (case-insensitive) cannot be delivered: the way to drive the compensation path. */
  UNDELIVERABLE_PATTERN: z
    .string()
    .default('undeliverable|nowhere')
    .transform((p, ctx) => {
      try {
        return new RegExp(p, 'i');
      } catch {
        ctx.addIssue({ code: 'custom', message: 'a valid regular expression' });
        return z.NEVER;
      }
    }),
  /** Chaos: delay every quote by this much, to exercise callers' timeouts. */
  QUOTE_DELAY_MS: z.coerce.number().int().min(0).default(0),
});

export type DeliveryEnv = z.infer<typeof deliveryEnvSchema>;
