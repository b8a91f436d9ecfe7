import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Settings that bound how long one stuck part can hold up the others: database session timeouts,
 * the outbox relay's publishing lock, the backlog age readiness tolerates, and how long finished
 * bookkeeping rows are kept. Part of baseEnvSchema; cross-variable rules are in checkOutboxEnv.
 */
export const outboxEnvShape = {
  /** Longest one SQL statement may run (server-side statement_timeout). */
  DB_STATEMENT_TIMEOUT_MS: ms(15_000),
  /** Longest a statement waits for a row or table lock (lock_timeout). */
  DB_LOCK_TIMEOUT_MS: ms(5_000),
  /** A session idle inside an open transaction this long is ended by the server, releasing its locks. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: ms(10_000),
  /** Idle time before TCP keepalive probes start, on both ends of every database connection. */
  DB_KEEPALIVE_IDLE_MS: ms(10_000),
  /**
   * The relay's publishing lock lives in a database session the holder keeps busy; a holder silent
   * this long (frozen, partitioned) loses the session and so the lock (idle_session_timeout).
   */
  OUTBOX_RELAY_LEASE_MS: z.coerce.number().int().min(1_000).default(10_000),
  /** A replica that cannot publish reports not ready once the oldest unpublished event is this old. */
  OUTBOX_MAX_AGE_MS: ms(30_000),
  /** Published outbox rows are deleted this long after publication. */
  OUTBOX_RETENTION_MS: ms(7 * DAY_MS),
  /** processed_messages rows (consumer dedupe marks) are deleted this long after processing; keep it above Kafka's retention. */
  PROCESSED_RETENTION_MS: ms(14 * DAY_MS),
  /** Rows one retention DELETE removes at most: small, so each transaction is short. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().positive().max(100_000).default(1_000),
  /** How often the retention task runs. */
  RETENTION_INTERVAL_MS: ms(60_000),
};

export interface OutboxEnv {
  OUTBOX_RELAY_LEASE_MS: number;
  OUTBOX_MAX_AGE_MS: number;
}

/** Rules across these variables; each issue names the variable to change. */
export function checkOutboxEnv(env: OutboxEnv): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  // Otherwise a healthy replica waiting to take over from a lost holder would go out of service first.
  if (env.OUTBOX_MAX_AGE_MS <= env.OUTBOX_RELAY_LEASE_MS) {
    issues.push({ path: ['OUTBOX_MAX_AGE_MS'], message: `must be longer than OUTBOX_RELAY_LEASE_MS (${env.OUTBOX_RELAY_LEASE_MS})` });
  }
  return issues;
}
