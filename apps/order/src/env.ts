import { baseEnvSchema } from '@msa/service-kit';
import { z } from 'zod';

export const orderEnvSchema = baseEnvSchema.extend({
  /** Base URL of the delivery service (from the catalog's `calls`). */
  DELIVERY_URL: z.url(),
  QUOTE_TIMEOUT_MS: z.coerce.number().int().positive().default(300),
  BREAKER_RESET_MS: z.coerce.number().int().positive().default(5_000),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(3),
  FALLBACK_DELIVERY_FEE: z.coerce.number().nonnegative().default(4.99),
});

export type OrderEnv = z.infer<typeof orderEnvSchema>;
