import type pg from 'pg';
import type { Logger } from 'pino';
import { withTransaction, type Pool } from '../db/pool.ts';
import { topicName } from '../events/topics.ts';
import type { Metrics } from '../metrics.ts';
import type { StringProducer } from './kafka.ts';

// One relay per service publishes at a time, so one order's events leave in the order they were written.
const RELAY_LOCK = 727_001;

export interface RelayOptions {
  pool: Pool;
  producer: StringProducer;
  topicPrefix: string;
  batchSize: number;
  pollMs: number;
  log: Logger;
  metrics: Metrics;
}

/**
 * Publishes outbox rows to Kafka after their transaction committed. A crash between send and the
 * "published" mark re-sends the batch on restart: delivery is at least once, consumers are idempotent.
 */
export class OutboxRelay {
  #opts: RelayOptions;
  #running = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  #listener?: pg.PoolClient;
  healthy = true;

  constructor(opts: RelayOptions) {
    this.#opts = opts;
  }

  async start(): Promise<void> {
    this.#running = true;
    await this.#listen();
    this.#loop = this.#run();
  }

  /** LISTEN for new outbox rows; without it the relay still polls, only more slowly. */
  async #listen(): Promise<void> {
    const client = await this.#opts.pool.connect();
    client.on('notification', () => this.#wake?.());
    client.on('error', () => {
      if (this.#listener === client) this.#listener = undefined;
      client.release(true);
    });
    await client.query('LISTEN outbox');
    this.#listener = client;
  }

  /** Publishes one batch; returns how many events left. */
  async drainOnce(): Promise<number> {
    const { pool, producer, topicPrefix, batchSize, metrics } = this.#opts;
    return withTransaction(pool, async (tx) => {
      const lock = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [RELAY_LOCK]);
      if (!lock.rows[0]?.ok) return 0;
      const { rows } = await tx.query<{ seq: string; topic: string; key: string; type: string; payload: unknown }>(
        `SELECT seq, topic, key, type, payload FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await producer.send({
        messages: rows.map((r) => ({
          topic: topicName(topicPrefix, r.topic),
          key: r.key,
          value: JSON.stringify(r.payload),
          headers: { 'event-type': r.type },
        })),
      });
      await tx.query('UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
      metrics.published.inc(rows.length);
      return rows.length;
    });
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let sent = 0;
      try {
        if (!this.#listener) await this.#listen();
        sent = await this.drainOnce();
        this.healthy = true;
      } catch (error) {
        this.healthy = false;
        this.#opts.log.warn({ err: error }, 'outbox relay could not publish; will retry');
      }
      if (sent === 0 && this.#running) await this.#sleep(this.#opts.pollMs);
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

  /** Stops after the batch in flight, then publishes what is left once more. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    try {
      while ((await this.drainOnce()) > 0);
    } catch (error) {
      this.#opts.log.warn({ err: error }, 'outbox relay stopped with events unpublished; they go out on next start');
    }
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.release();
  }
}
