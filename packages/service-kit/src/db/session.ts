import type pg from 'pg';

/** Time limits every database session of a service runs under. */
export interface SessionLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  /** Idle time before TCP keepalive probes start, on both ends of the connection. */
  keepAliveIdleMs: number;
}

/** The limits from a service's validated environment. */
export function sessionLimitsFromEnv(env: {
  DB_STATEMENT_TIMEOUT_MS: number;
  DB_LOCK_TIMEOUT_MS: number;
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
  DB_KEEPALIVE_IDLE_MS: number;
}): SessionLimits {
  return {
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: env.DB_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    keepAliveIdleMs: env.DB_KEEPALIVE_IDLE_MS,
  };
}

/**
 * pg settings that make the server end a session whose client went silent, so no lock outlives
 * its holder for long: a transaction left open (a frozen process) ends after the idle-in-transaction
 * timeout; a statement or a lock wait cannot run forever; keepalive probes on both ends find a peer
 * that vanished without closing (a lost host, a network partition). The server's side is set in the
 * startup packet, so it holds from the first statement and needs no extra round trip.
 */
export function sessionSettings(limits: SessionLimits): Partial<pg.ClientConfig> {
  const idleS = Math.max(1, Math.ceil(limits.keepAliveIdleMs / 1000));
  const probe = `-c tcp_keepalives_idle=${idleS} -c tcp_keepalives_interval=${Math.max(1, Math.ceil(idleS / 3))} -c tcp_keepalives_count=3`;
  return {
    keepAlive: true,
    keepAliveInitialDelayMillis: limits.keepAliveIdleMs,
    statement_timeout: limits.statementTimeoutMs,
    lock_timeout: limits.lockTimeoutMs,
    idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
    options: probe,
  };
}
