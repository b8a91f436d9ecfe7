import { baseEnvSchema } from '@msa/service-kit';
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A duration with its unit ("90s", "5m", "500ms"), read as milliseconds; a bare number is refused as ambiguous. */
export const duration = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(ms|s|m|h)$/, 'a whole number with a unit: ms, s, m or h (for example 90s or 5m)')
    .transform((text) => {
      const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(text)!;
      return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    })
    .refine((ms) => ms >= min && ms <= max, `between ${min / 1000} s and ${max / 3_600_000} h`);

export const orderEnvSchema = baseEnvSchema.extend({
  /** Base URL of the delivery service (from the catalog's `calls`). */
  DELIVERY_URL: z.url(),
  QUOTE_TIMEOUT_MS: z.coerce.number().int().positive().default(300),
  BREAKER_RESET_MS: z.coerce.number().int().positive().default(5_000),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(3),
  FALLBACK_DELIVERY_FEE: z.coerce.number().nonnegative().default(4.99),
  /** An order not final this long after it was placed is cancelled, and its stock and delivery given back. */
  ORDER_SAGA_TIMEOUT: duration(1_000, 24 * 3_600_000).default(5 * 60_000),
  /** How often a replica looks for orders past their deadline. */
  ORDER_SAGA_SWEEP_INTERVAL: duration(100, 3_600_000).default(5_000),
});

export type OrderEnv = z.infer<typeof orderEnvSchema>;
