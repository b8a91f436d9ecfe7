import { releaseSchema, SERVICE_ENV_NAMES } from '@msa/catalog';
import { z } from 'zod';

/** Loopback only: two local environments must be able to run side by side on one machine. */
const loopbackHost = z.literal('127.0.0.1', { error: 'must be 127.0.0.1 (local servers listen on loopback only)' });
const port = z.number().int().min(1024).max(65535);

/** Set by the stack from its own resources; config may not override them. */
export const RESERVED_ENV = new Set([...SERVICE_ENV_NAMES, 'HOST', 'DATABASE_URL', 'KAFKA_BROKERS', 'SERVICE_COMMIT', 'REPLICA_INDEX']);

/**
 * The `local` stack's config: the `msa:` keys of Pulumi.<stack>.yaml for `msa:target: local`.
 * The servers themselves (one PostgreSQL, one Kafka broker) are shared by every local stack on
 * the machine; stacks stay apart through their own ports, database/role names and topic prefix.
 */
export const localStackConfigSchema = z
  .object({
    target: z.literal('local'),
    local: z
      .object({
        /** Added to each service's catalog port; clones use another offset so no port is shared. */
        portOffset: z.number().int().min(0).max(50000),
        /** Prefixed to every database and role name (e.g. `pr42_`); empty for the main local stack. */
        namePrefix: z
          .string()
          .regex(/^([a-z][a-z0-9_]{0,23})?$/, 'empty or a lowercase SQL identifier prefix such as pr42_')
          .default(''),
        /** Prefixed to every topic name and consumer group (the services' TOPIC_PREFIX). */
        topicPrefix: z
          .string()
          .regex(/^([a-zA-Z0-9._-]{0,40})$/, 'empty or letters, digits, ".", "_", "-" (e.g. pr42.)')
          .default(''),
        postgres: z
          .object({ host: loopbackHost.default('127.0.0.1'), port: port.default(55432), user: z.string().min(1).default('postgres') })
          .strict()
          .default({ host: '127.0.0.1', port: 55432, user: 'postgres' }),
        /** The servers command's Redis, for the services whose catalog store is redis. */
        redis: z
          .object({ host: loopbackHost.default('127.0.0.1'), port: port.default(56379) })
          .strict()
          .default({ host: '127.0.0.1', port: 56379 }),
        kafka: z
          .object({
            brokers: z
              .array(z.string().regex(/^127\.0\.0\.1:\d{4,5}$/, 'a loopback broker address such as 127.0.0.1:59092'))
              .min(1)
              .default(['127.0.0.1:59092']),
            partitions: z.number().int().min(1).max(12).default(2),
          })
          .strict()
          .default({ brokers: ['127.0.0.1:59092'], partitions: 2 }),
        /** Where the services send their spans: the local trace store (`npm run servers`), or null for no tracing. */
        tracing: z
          .object({
            otlpEndpoint: z
              .string()
              .regex(/^http:\/\/127\.0\.0\.1:\d{4,5}$/, 'a loopback OTLP http endpoint such as http://127.0.0.1:54318')
              .nullable(),
          })
          .strict()
          .default({ otlpEndpoint: 'http://127.0.0.1:54318' }),
        /** Processes per service; a service not named here runs its catalog minReplicas. */
        replicas: z.record(z.string(), z.number().int().min(1).max(8)).default({}),
        /**
         * Extra environment per service (e.g. delivery's UNDELIVERABLE_PATTERN, or a token set with
         * `pulumi config set --secret --path msa:local.env.<svc>.<NAME>`). The connection settings the
         * stack wires itself cannot be overridden here.
         */
        env: z
          .record(
            z.string(),
            z.record(
              z
                .string()
                .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)')
                .refine((name) => !RESERVED_ENV.has(name) && !name.endsWith('_URL'), 'is set by the stack itself'),
              z.string(),
            ),
          )
          .default({}),
        /** How long `up` waits for a service to answer its readiness path. */
        readinessTimeoutSeconds: z.number().int().min(5).max(600).default(90),
      })
      .strict(),
    releases: z.record(z.string(), releaseSchema).default({}),
  })
  .strict();

export type LocalStackConfig = z.infer<typeof localStackConfigSchema>;
