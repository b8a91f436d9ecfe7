import type { Pool } from '../db/pool.ts';

export interface Backlog {
  /** Events not yet published. */
  events: number;
  /** How long the oldest of them has waited; 0 when there are none. */
  oldestAgeMs: number;
  /** How long ago any replica last published an event; undefined if none ever was (or all were deleted). */
  lastPublishedAgoMs: number | undefined;
}

// Both lookups ride indexes: the partial index on unpublished seq, and the one on published_at (0002).
const BACKLOG_SQL = `
  SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS events,
         (SELECT extract(epoch FROM now() - created_at) * 1000 FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT 1)::float8 AS oldest_ms,
         (SELECT extract(epoch FROM now() - max(published_at)) * 1000 FROM outbox)::float8 AS last_published_ms`;

/** The service's outbox backlog, read from the database (shared by every replica), briefly cached. */
export class OutboxBacklog {
  #pool: Pool;
  #cacheMs: number;
  #last?: { at: number; value: Promise<Backlog> };

  constructor(pool: Pool, cacheMs = 500) {
    this.#pool = pool;
    this.#cacheMs = cacheMs;
  }

  read(): Promise<Backlog> {
    const now = Date.now();
    if (this.#last && now - this.#last.at < this.#cacheMs) return this.#last.value;
    const value = this.#query();
    this.#last = { at: now, value };
    // A failed read is not cached: the next caller asks again.
    value.catch(() => {
      if (this.#last?.value === value) this.#last = undefined;
    });
    return value;
  }

  async #query(): Promise<Backlog> {
    const { rows } = await this.#pool.query<{ events: number; oldest_ms: number | null; last_published_ms: number | null }>(BACKLOG_SQL);
    const row = rows[0]!;
    return { events: row.events, oldestAgeMs: Math.max(0, row.oldest_ms ?? 0), lastPublishedAgoMs: row.last_published_ms ?? undefined };
  }
}
