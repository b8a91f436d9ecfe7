import type { BaseEnv } from '../config/env.ts';
import type { Pool } from '../db/pool.ts';
import { RetentionTask } from '../db/retention.ts';
import { OutboxBacklog } from '../events/outbox-backlog.ts';
import type { Check } from '../http/app.ts';
import type { Logger } from '../logger.ts';
import type { StringProducer } from '../messaging/kafka.ts';
import { registerBacklogGauges } from '../messaging/outbox-metrics.ts';
import { relayReadiness } from '../messaging/relay-readiness.ts';
import { OutboxRelay } from '../messaging/relay.ts';
import type { Metrics } from '../metrics.ts';
import type { Tracing } from '../tracing/index.ts';

export interface OutboxParts {
  relay: OutboxRelay;
  retention: RetentionTask;
  /** For /readyz: fails with "stalled: ..." when the outbox backs up while this replica cannot publish. */
  readiness: Check;
  start(): Promise<void>;
  /** Publishes what is left (see OutboxRelay.stop) and stops the retention task. */
  stop(): Promise<void>;
}

/** A service's outbox machinery: the relay, its backlog metrics and readiness, and retention of old rows. */
export function createOutboxParts(env: BaseEnv, pool: Pool, producer: StringProducer, log: Logger, metrics: Metrics, tracing?: Tracing): OutboxParts {
  const relay = new OutboxRelay({
    pool,
    producer,
    topicPrefix: env.TOPIC_PREFIX,
    batchSize: env.OUTBOX_BATCH_SIZE,
    pollMs: env.OUTBOX_POLL_MS,
    leaseMs: env.OUTBOX_RELAY_LEASE_MS,
    log,
    metrics,
    tracing,
  });
  const backlog = new OutboxBacklog(pool);
  registerBacklogGauges(metrics.registry, backlog);
  const retention = new RetentionTask({
    pool,
    outboxRetentionMs: env.OUTBOX_RETENTION_MS,
    processedRetentionMs: env.PROCESSED_RETENTION_MS,
    batchSize: env.RETENTION_BATCH_SIZE,
    intervalMs: env.RETENTION_INTERVAL_MS,
    log,
    metrics,
  });
  return {
    relay,
    retention,
    readiness: relayReadiness(relay, backlog, env.OUTBOX_MAX_AGE_MS),
    async start() {
      await relay.start();
      retention.start();
    },
    async stop() {
      await retention.stop();
      await relay.stop();
    },
  };
}
