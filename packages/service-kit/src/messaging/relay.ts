import type { Logger } from 'pino';
import type { Pool } from '../db/pool.ts';
import { onOutboxCommitted } from '../events/outbox-signal.ts';
import { topicName } from '../events/topics.ts';
import type { Metrics } from '../metrics.ts';
import { publishHeaders, TRACING_OFF, type TraceCarrier, type Tracing } from '../tracing/index.ts';
import type { StringProducer } from './kafka.ts';
import { PublishingLock } from './publishing-lock.ts';

// One relay per service publishes at a time, so one order's events leave in the order they were written.
const RELAY_LOCK = 727_001;
const MAX_BACKOFF_MS = 2_000;

export interface RelayOptions {
  pool: Pool;
  producer: StringProducer;
  topicPrefix: string;
  batchSize: number;
  pollMs: number;
  /** How long a silent holder keeps the publishing lock (see PublishingLock); 10 s if left out. */
  leaseMs?: number;
  log: Logger;
  metrics: Metrics;
  /** Carries each row's trace context into its record's headers; off when left out. */
  tracing?: Tracing;
}

/**
 * What this replica's relay is doing:
 * - publishing: it holds the service's publishing lock and its last attempt succeeded (or found nothing to send);
 * - standby: another replica holds the lock;
 * - failing: its last attempt failed, on the broker or the database (`reason`).
 */
export type RelayState = 'starting' | 'publishing' | 'standby' | 'failing' | 'stopped';
export type FailureReason = 'broker' | 'database';

class BrokerError extends Error {
  constructor(cause: unknown) {
    super('publishing to Kafka failed', { cause });
  }
}

interface OutboxRow {
  seq: string;
  topic: string;
  key: string;
  type: string;
  payload: unknown;
  trace_context: TraceCarrier | null;
  created_at: Date;
}

/** The Kafka record one outbox row becomes. */
function kafkaMessage(topicPrefix: string, row: OutboxRow, tracing: Tracing) {
  return {
    topic: topicName(topicPrefix, row.topic),
    key: row.key,
    value: JSON.stringify(row.payload),
    headers: { 'event-type': row.type, ...publishHeaders(tracing, row) },
  };
}

/**
 * Publishes outbox rows to Kafka after their transaction committed. No transaction is open while a
 * batch is sent: the rows are read, sent, then marked, each in the lock's session. A crash (or a
 * lost lock) between send and mark re-sends the batch: delivery is at least once, consumers dedupe.
 */
export class OutboxRelay {
  #opts: RelayOptions;
  #lock: PublishingLock;
  #running = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  /** Set by a wake-up; cleared before each read, so one that arrives during a batch is not lost. */
  #woken = false;
  #unsubscribe?: () => void;
  #notifying?: Promise<void>;
  #notifyAgain = false;
  #failingSince?: number;
  #yieldUntil = 0;
  state: RelayState = 'starting';
  reason?: FailureReason;

  constructor(opts: RelayOptions) {
    this.#opts = opts;
    this.#lock = new PublishingLock({
      pool: opts.pool,
      key: RELAY_LOCK,
      leaseMs: opts.leaseMs ?? 10_000,
      channel: 'outbox',
      onNotify: () => this.#wakeUp(),
      log: opts.log,
    });
  }

  async start(): Promise<void> {
    this.#running = true;
    this.#unsubscribe = onOutboxCommitted(this.#opts.pool, () => this.#localCommit());
    this.#loop = this.#run();
  }

  #wakeUp(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** This process committed outbox rows: publish them, or tell the replica holding the lock. */
  #localCommit(): void {
    if (this.#lock.held || !this.#running) return this.#wakeUp();
    if (this.#notifying) {
      this.#notifyAgain = true;
      return;
    }
    // One NOTIFY at a time, coalescing the commits made meanwhile; committed without waiting for the
    // disk, since a NOTIFY lost in a crash only leaves the rows to the holder's next poll.
    this.#notifying = this.#opts.pool
      .query(`BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('outbox', ''); COMMIT`)
      .then(
        () => undefined,
        (error: unknown) => this.#opts.log.debug({ err: error }, 'could not wake the publishing replica; it polls'),
      )
      .finally(() => {
        this.#notifying = undefined;
        if (this.#notifyAgain) {
          this.#notifyAgain = false;
          this.#localCommit();
        }
      });
  }

  /** Publishes one batch if this replica holds (or can take) the lock; returns how many events left. */
  async drainOnce(): Promise<number> {
    const { producer, topicPrefix, metrics } = this.#opts;
    this.#woken = false;
    // After giving the lock up (see #fail), leave it to the other replicas for a while.
    const held = Date.now() >= this.#yieldUntil && (await this.#lock.acquire());
    metrics.relayLeader.set(held ? 1 : 0);
    if (!held) return this.#settle('standby', 0);
    const { rows } = await this.#lock.query<OutboxRow>(
      'SELECT seq, topic, key, type, payload, trace_context, created_at FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1',
      [this.#opts.batchSize],
    );
    if (rows.length === 0) return this.#settle('publishing', 0);
    await producer
      .send({ messages: rows.map((row) => kafkaMessage(topicPrefix, row, this.#opts.tracing ?? TRACING_OFF)) })
      .catch((error: unknown) => {
        throw new BrokerError(error);
      });
    // A holder that lost the lock mid-send fails here; its successor has sent these rows as well.
    await this.#lock.query('UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[]) AND published_at IS NULL', [
      rows.map((r) => r.seq),
    ]);
    metrics.published.inc(rows.length);
    return this.#settle('publishing', rows.length);
  }

  #settle(state: RelayState, sent: number): number {
    if (this.state === 'failing' && state === 'publishing') this.#opts.log.info('outbox relay publishes again');
    this.#failingSince = undefined;
    this.state = state;
    this.reason = undefined;
    return sent;
  }

  #fail(error: unknown): void {
    const reason: FailureReason = error instanceof BrokerError ? 'broker' : 'database';
    this.#opts.metrics.publishFailures.inc({ reason });
    this.#opts.metrics.relayLeader.set(this.#lock.held ? 1 : 0);
    // Logged when the failure starts or changes kind, not at every poll of an outage.
    if (this.state !== 'failing' || this.reason !== reason) {
      this.#opts.log.warn({ err: error, reason }, 'outbox relay could not publish; will retry');
    }
    this.state = 'failing';
    this.reason = reason;
    // A holder whose sends keep failing may be the only replica cut off from the broker: after a
    // lease of failures it hands the lock on, so a replica that can reach Kafka gets to publish.
    const now = Date.now();
    this.#failingSince ??= now;
    const leaseMs = this.#opts.leaseMs ?? 10_000;
    if (reason === 'broker' && this.#lock.held && now - this.#failingSince >= leaseMs) {
      this.#opts.log.warn({ failingForMs: now - this.#failingSince }, 'outbox relay gives up the publishing lock so another replica can try');
      this.#lock.release();
      this.#opts.metrics.relayLeader.set(0);
      this.#yieldUntil = now + leaseMs;
      this.#failingSince = undefined;
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      let sent = 0;
      try {
        sent = await this.drainOnce();
        failures = 0;
      } catch (error) {
        this.#fail(error);
        failures++;
      }
      // During an outage, attempts back off (up to MAX_BACKOFF_MS) instead of hammering a broker that is down.
      const pause = failures > 0 ? Math.min(MAX_BACKOFF_MS, this.#opts.pollMs * 2 ** (failures - 1)) : this.#opts.pollMs;
      // A short batch read everything committed before it, and whatever committed since has woken the
      // relay: so it reads again at once only after a full batch or a wake-up, not to find nothing.
      const more = failures === 0 && (sent === this.#opts.batchSize || this.#woken);
      if (!more && this.#running) await this.#sleep(pause);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  /** Stops after the batch in flight, publishes what is left once more, and gives the lock up. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    this.#wake?.();
    await this.#loop;
    try {
      while ((await this.drainOnce()) > 0);
    } catch (error) {
      this.#opts.log.warn({ err: error }, 'outbox relay stopped with events unpublished; they go out on next start');
    }
    this.#lock.release();
    this.#opts.metrics.relayLeader.set(0);
    this.state = 'stopped';
  }
}
