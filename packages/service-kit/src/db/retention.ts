import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Pool } from './pool.ts';

export interface RetentionOptions {
  pool: Pool;
  /** Published outbox rows older than this (since publication) are deleted. */
  outboxRetentionMs: number;
  /** processed_messages marks older than this are deleted. */
  processedRetentionMs: number;
  batchSize: number;
  intervalMs: number;
  log: Logger;
  metrics: Metrics;
}

/**
 * Each statement deletes at most one batch, as its own short transaction. Rows another session has
 * locked are skipped (SKIP LOCKED), so neither the relay nor a consumer ever waits on retention.
 * Unpublished outbox rows are never candidates: published_at IS NULL fails the age test.
 */
const PURGES = {
  outbox: `DELETE FROM outbox WHERE seq = ANY(ARRAY(
             SELECT seq FROM outbox WHERE published_at < now() - make_interval(secs => $1::float8 / 1000)
             ORDER BY published_at LIMIT $2 FOR UPDATE SKIP LOCKED))`,
  processed_messages: `DELETE FROM processed_messages WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM processed_messages WHERE processed_at < now() - make_interval(secs => $1::float8 / 1000)
             ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED))`,
} as const;

export type RetainedTable = keyof typeof PURGES;

/** Deletes published outbox rows and processed-message marks past their age, in small batches, periodically. */
export class RetentionTask {
  #opts: RetentionOptions;
  #timer?: NodeJS.Timeout;
  #run?: Promise<unknown>;
  #stopped = false;

  constructor(opts: RetentionOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.#schedule(this.#opts.intervalMs);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#run = this.runOnce()
        .catch((error: unknown) => this.#opts.log.warn({ err: error }, 'retention run failed; next run retries'))
        .finally(() => this.#schedule(this.#opts.intervalMs));
    }, ms);
    this.#timer.unref();
  }

  /** One pass over both tables until nothing old is left (or the task stops); returns rows deleted per table. */
  async runOnce(): Promise<Record<RetainedTable, number>> {
    const deleted = { outbox: 0, processed_messages: 0 };
    const ages: Record<RetainedTable, number> = { outbox: this.#opts.outboxRetentionMs, processed_messages: this.#opts.processedRetentionMs };
    for (const table of Object.keys(PURGES) as RetainedTable[]) {
      for (;;) {
        const n = await this.purgeBatch(table, ages[table]);
        deleted[table] += n;
        if (n < this.#opts.batchSize || this.#stopped) break;
        // Between batches, let the service's own queries have the pool.
        await new Promise((r) => setImmediate(r));
      }
    }
    if (deleted.outbox + deleted.processed_messages > 0) this.#opts.log.info({ deleted }, 'retention deleted old rows');
    return deleted;
  }

  /** Deletes at most one batch of table's rows older than ageMs; returns how many went. */
  async purgeBatch(table: RetainedTable, ageMs: number): Promise<number> {
    const { rowCount } = await this.#opts.pool.query(PURGES[table], [ageMs, this.#opts.batchSize]);
    const n = rowCount ?? 0;
    if (n > 0) this.#opts.metrics.retentionDeleted.inc({ table }, n);
    return n;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#run;
  }
}
