import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { consumerGroup, deadLetterTopic } from '@msa/catalog';
import { baseEnvSchema, EnvError, loadEnv, type BaseEnv } from '../config/env.ts';
import { checkOutboxEnv } from '../config/outbox-env.ts';
import { databaseConfig } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { createPool, type Pool, type Tx } from '../db/pool.ts';
import { sessionLimitsFromEnv } from '../db/session.ts';
import { newEnvelope } from '../events/envelope.ts';
import { enqueue } from '../events/outbox.ts';
import { checkDeclaredTopics, checkEventData, type EventSchemas } from '../events/contract.ts';
import { topicName, unprefixed } from '../events/topics.ts';
import { createHttpApp, type Check } from '../http/app.ts';
import { createLogger, type Logger } from '../logger.ts';
import { kafkaConnectionOptions } from '../messaging/connection.ts';
import { IdempotentConsumer, type HandlerMap } from '../messaging/consumer.ts';
import { ConsumerLag, registerLagGauge } from '../messaging/consumer-lag.ts';
import { registerPoolGauges } from '../db/pool-metrics.ts';
import { createProducer, type StringProducer } from '../messaging/kafka.ts';
import { kafkaReadiness } from '../messaging/kafka-readiness.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { createTracing, enqueueContext, type Tracing } from '../tracing/index.ts';
import { createOutboxParts } from './outbox-parts.ts';

export interface ServiceContext<E extends BaseEnv = BaseEnv> {
  env: E;
  log: Logger;
  pool: Pool;
  producer: StringProducer;
  metrics: Metrics;
  /** Spans and trace context (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  tracing: Tracing;
  /** Writes an event to the outbox inside tx; it is published after the transaction commits. */
  publish(tx: Tx, topic: string, type: string, key: string, data: Record<string, unknown>): Promise<void>;
}

export interface ServiceDefinition<E extends BaseEnv = BaseEnv> {
  /** The service's folder, holding its migrations (MIGRATIONS_DIR is relative to it). */
  dir: string;
  /** The package's version: what the service reports when its launcher names no release (SERVICE_VERSION). */
  version: string;
  /** The service's own settings on top of the base ones (extend baseEnvSchema). */
  envSchema?: z.ZodType<E>;
  /** The zod schema of each event's data it publishes, per topic and type (src/events.ts); publish refuses the rest. */
  events?: EventSchemas;
  handlers?: (ctx: ServiceContext<E>) => HandlerMap;
  routes: (app: FastifyInstance, ctx: ServiceContext<E>) => Promise<void> | void;
  /** Extra readiness checks and cleanup (for example a circuit breaker's timers). */
  checks?: (ctx: ServiceContext<E>) => Check[];
  onStop?: () => Promise<void> | void;
}

export interface RunningService {
  url: string;
  app: FastifyInstance;
  ctx: ServiceContext;
  stop(): Promise<void>;
}

/** Checks that the code's topics are the ones the catalog declares (TOPICS_CONSUMED), so the catalog cannot lie. */
function assertTopics(env: BaseEnv, handlers: HandlerMap): void {
  for (const topic of Object.keys(handlers)) {
    if (!env.TOPICS_CONSUMED.includes(topic)) {
      throw new Error(`${env.SERVICE_NAME} handles topic "${topic}" but service.yaml topics.consumes does not list it`);
    }
  }
}

/**
 * Starts a service: env, migrations, HTTP, outbox relay and consumer; SIGTERM stops it gracefully.
 * What the catalog says about the service arrives resolved in the environment (catalog's serviceEnv).
 * One function, read top to bottom: the start order and the stop order mirror each other, which is
 * the point of it (nothing listens before its database is migrated; nothing closes under a request).
 */
export async function startService<E extends BaseEnv>(
  def: ServiceDefinition<E>,
  rawEnv: NodeJS.ProcessEnv = process.env,
): Promise<RunningService> {
  const env = loadEnv((def.envSchema ?? baseEnvSchema) as z.ZodType<E>, rawEnv);
  const name = env.SERVICE_NAME;
  const version = env.SERVICE_VERSION ?? def.version;
  // Settings that span variables are checked here, before anything connects.
  const envIssues = checkOutboxEnv(env);
  if (envIssues.length > 0) throw new EnvError(envIssues);
  const kafka = kafkaConnectionOptions({ auth: env.KAFKA_AUTH, region: env.AWS_REGION });
  const database = await databaseConfig(env.DATABASE_URL);
  const tracing = await createTracing({ service: name, version, endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, sampleRatio: env.OTEL_TRACES_SAMPLER_ARG });
  const log = createLogger(name, env.LOG_LEVEL, tracing.enabled);
  const metrics = createMetrics(name, version);
  await migrate(database, path.join(def.dir, env.MIGRATIONS_DIR), log);
  const pool = createPool(database, (err) => log.warn({ err }, 'database connection lost'), env.DB_POOL_SIZE, sessionLimitsFromEnv(env));
  registerPoolGauges(metrics.registry, pool, env.DB_POOL_SIZE);
  const producer = createProducer(`${name}-producer`, env.KAFKA_BROKERS, kafka);
  const events = def.events ?? {};
  checkDeclaredTopics(name, events, env.TOPICS_PRODUCED);
  const ctx: ServiceContext<E> = {
    env,
    log,
    pool,
    producer,
    metrics,
    tracing,
    async publish(tx, topic, type, key, data) {
      if (!env.TOPICS_PRODUCED.includes(topic)) {
        throw new Error(`${name} publishes to "${topic}" but service.yaml topics.produces does not list it`);
      }
      checkEventData(events, topic, type, data);
      await enqueue(tx, topic, newEnvelope(name, type, key, data), enqueueContext(tracing));
    },
  };

  const handlers = def.handlers?.(ctx) ?? {};
  assertTopics(env, handlers);
  const outbox = createOutboxParts(env, pool, producer, log, metrics, tracing);
  const consumer =
    Object.keys(handlers).length > 0
      ? new IdempotentConsumer({
          service: name,
          brokers: env.KAFKA_BROKERS,
          connection: kafka,
          topicPrefix: env.TOPIC_PREFIX,
          deadLetterTopic: deadLetterTopic({ name }),
          handlers,
          pool,
          producer,
          maxAttempts: env.CONSUMER_MAX_ATTEMPTS,
          retryBaseMs: env.CONSUMER_RETRY_BASE_MS,
          retryMaxMs: env.CONSUMER_RETRY_MAX_MS,
          log,
          metrics,
          tracing,
        })
      : undefined;
  const lag = consumer
    ? new ConsumerLag({
        clientId: `${name}-lag`,
        brokers: env.KAFKA_BROKERS,
        connection: kafka,
        groupId: consumerGroup({ name }, { topic: env.TOPIC_PREFIX }),
        topics: Object.keys(handlers).map((t) => topicName(env.TOPIC_PREFIX, t)),
      })
    : undefined;
  if (lag) registerLagGauge(metrics.registry, lag, (t) => unprefixed(env.TOPIC_PREFIX, t));

  let shuttingDown = false;
  const kafkaTopics = [...env.TOPICS_PRODUCED, ...env.TOPICS_CONSUMED].map((t) => topicName(env.TOPIC_PREFIX, t));
  const app = await createHttpApp({
    service: name,
    version,
    description: env.SERVICE_DESCRIPTION,
    log,
    metrics,
    paths: { health: env.HEALTH_PATH, readiness: env.READINESS_PATH, metrics: env.METRICS_PATH, openapi: env.OPENAPI_PATH },
    isShuttingDown: () => shuttingDown,
    tracing,
    auth: {
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      jwks: env.AUTH_JWKS,
      rolesClaim: env.AUTH_ROLES_CLAIM,
      rateLimit: { max: env.RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
    },
    readinessCacheMs: env.READINESS_CACHE_MS,
    // Ready means "can serve its HTTP API", which needs the database. Kafka and the consumer only delay
    // events (the outbox keeps them): their absence degrades the service, it stays ready. A stalled
    // outbox (backlog older than OUTBOX_MAX_AGE_MS while this replica cannot publish) takes an internal
    // service's replica out; the public service only degrades, since taking writes while Kafka is away
    // is exactly what its outbox is for (README, "Readiness").
    readinessChecks: [
      { name: 'database', failedState: 'unreachable', check: async () => void (await pool.query('SELECT 1')) },
      kafkaReadiness(producer, kafkaTopics, env.KAFKA_READINESS_MAX_AGE_MS),
      { ...outbox.readiness, required: !env.SERVICE_PUBLIC },
      ...(consumer ? [{ name: 'consumer', required: false, check: async () => consumer.state }] : []),
      ...(def.checks?.(ctx) ?? []),
    ],
  });
  await def.routes(app, ctx);
  await outbox.start();
  await app.listen({ host: env.HOST, port: env.PORT });
  // After listening: joining the group can wait a session timeout for a crashed member, and the API need not.
  consumer?.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = `http://${env.HOST}:${port}`;
  log.info({ url, topicPrefix: env.TOPIC_PREFIX, startupMs: Math.round(performance.now()) }, 'service started');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      log.info('shutting down: finishing in-flight requests and messages');
      await consumer?.stop();
      log.debug('consumer stopped');
      await app.close(); // waits for in-flight requests
      log.debug('http server closed');
      await outbox.stop(); // publishes what those requests wrote
      log.debug('outbox relay stopped');
      await def.onStop?.();
      await producer.close().catch(() => undefined);
      await lag?.close();
      await pool.end();
      await tracing.shutdown().catch((error: unknown) => log.warn({ err: error }, 'spans not exported at stop'));
      log.info('stopped');
    })());
  return { url, app, ctx: ctx as unknown as ServiceContext, stop };
}

/** For main.ts: start, and stop on SIGTERM/SIGINT within the shutdown timeout. */
export async function runService<E extends BaseEnv>(def: ServiceDefinition<E>): Promise<void> {
  let running: RunningService;
  try {
    running = await startService(def);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const timeoutMs = running.ctx.env.SHUTDOWN_TIMEOUT_MS;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        running.ctx.log.error({ timeoutMs }, 'shutdown timed out');
        process.exit(1);
      }, timeoutMs).unref();
      running.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          running.ctx.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
