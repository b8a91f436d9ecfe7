import { z } from 'zod';

/** Settings every service takes from its environment. */
export const baseEnvSchema = z.object({
  SERVICE_NAME: z.string().min(1),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// connection URL'),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  /** Prefixed to every topic name, so two environments can share one broker. */
  TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long SIGTERM waits for in-flight work before giving up. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Outbox relay: how many events one Kafka request carries at most. */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().default(100),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(250),
  /** Consumer: attempts before a message goes to the dead-letter topic. */
  CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(4),
  CONSUMER_RETRY_BASE_MS: z.coerce.number().int().min(0).default(100),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

export class EnvError extends Error {
  constructor(issues: z.core.$ZodIssue[]) {
    super(
      'The service cannot start; its environment is invalid:\n' +
        issues.map((i) => `  - ${i.path.join('.') || '(env)'}: ${i.message}`).join('\n'),
    );
    this.name = 'EnvError';
  }
}

/** Validates the environment once, at start; every error names its variable. */
export function loadEnv<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv = process.env): T {
  const result = schema.safeParse(env);
  if (!result.success) throw new EnvError(result.error.issues);
  return result.data;
}
