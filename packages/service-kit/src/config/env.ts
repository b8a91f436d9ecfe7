import { serviceEnvSchema } from '@msa/catalog';
import { z } from 'zod';
import { outboxEnvShape } from './outbox-env.ts';

/**
 * Settings every service takes from its environment: what the catalog resolves for it (its name,
 * version, port, topics, paths: serviceEnv) and the kit's own settings.
 */
export const baseEnvSchema = serviceEnvSchema().extend({
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// connection URL'),
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  /** How clients authenticate to Kafka: `none` (plain text, local) or `aws-iam` (MSK: TLS and IAM tokens). */
  KAFKA_AUTH: z.enum(['none', 'aws-iam']).default('none'),
  /** The AWS region; needed with KAFKA_AUTH=aws-iam, which signs its tokens for it. */
  AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long SIGTERM waits for in-flight work before giving up. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * Connections a replica keeps to its database at most. Each open transaction (a request, a batch of
   * one partition's messages) and the relay's lock session hold one; on a loaded host they are held
   * longer, so the pool can bound throughput before the database does (README, "Saga throughput").
   */
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /** Outbox relay: how many events one Kafka request carries at most. */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().default(100),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(250),
  /** Consumer: attempts at a failure of unknown kind before its message goes to the dead-letter topic.
   *  Transient failures (database unreachable, serialization conflicts) retry for as long as they last. */
  CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(4),
  CONSUMER_RETRY_BASE_MS: z.coerce.number().int().min(0).default(100),
  /** Consumer: the cap on the backoff between attempts, and between restarts of a consumer that died. */
  CONSUMER_RETRY_MAX_MS: z.coerce.number().int().positive().default(5_000),
  /** Requests one caller (token subject, else client IP) may send to the API's protected routes per window. */
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(300),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /** How long one /readyz result answers probes (and /metrics scrapes) before the checks run again. */
  READINESS_CACHE_MS: z.coerce.number().int().min(0).default(1_000),
  /** Readiness asks the broker for metadata at most this often (never a forced refresh per probe). */
  KAFKA_READINESS_MAX_AGE_MS: z.coerce.number().int().positive().default(5_000),
  ...outboxEnvShape,
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** What is wrong with one variable (a zod issue, or a rule across variables that the schema cannot state). */
export interface EnvIssue {
  path: readonly PropertyKey[];
  message: string;
}

export class EnvError extends Error {
  constructor(issues: readonly EnvIssue[]) {
    super(
      'The service cannot start; its environment is invalid:\n' +
        issues.map((i) => `  - ${i.path.map(String).join('.') || '(env)'}: ${i.message}`).join('\n'),
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
