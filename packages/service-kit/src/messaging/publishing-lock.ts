import type pg from 'pg';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.ts';

export interface PublishingLockOptions {
  pool: Pool;
  /** The advisory lock's key: one per service database. */
  key: number;
  /** A holder whose session stays silent this long loses it, and the lock with it. */
  leaseMs: number;
  /** Called on each NOTIFY on `channel` while the lock is held. */
  onNotify: () => void;
  channel: string;
  log: Logger;
}

/**
 * The right to publish a service's outbox: a session-level advisory lock held in a database
 * session of its own, outside any transaction, so no transaction stays open across a broker send.
 * The server ends that session once it has been idle for leaseMs (idle_session_timeout), which
 * frees the lock; a live holder keeps it by touching the session every leaseMs / 3, even while a
 * send is slow. A frozen or cut-off holder cannot, so another replica takes over within about
 * leaseMs. Work done under the lock goes through query(), which fails once the session is gone.
 */
export class PublishingLock {
  #opts: PublishingLockOptions;
  #session?: pg.PoolClient;
  #held = false;
  #heartbeat?: NodeJS.Timeout;
  #touching = false;

  constructor(opts: PublishingLockOptions) {
    this.#opts = opts;
  }

  get held(): boolean {
    return this.#held && this.#session !== undefined;
  }

  /** Takes the lock if it is free; true while this replica holds it. */
  async acquire(): Promise<boolean> {
    if (this.held) return true;
    this.#held = false;
    const session = this.#session ?? (await this.#open());
    const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.#opts.key]);
    if (!rows[0]?.ok || this.#session !== session) return false;
    await session.query(`LISTEN ${this.#opts.channel}`);
    // The session can end while LISTEN is answered (seen when the server terminates sessions in a
    // burst): holding a lock whose session is gone would leave the relay failing forever.
    if (this.#session !== session) return false;
    this.#held = true;
    this.#opts.log.info('outbox relay holds the publishing lock');
    return true;
  }

  /** A query in the lock's session: it fails if the session, and so the lock, was lost. */
  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    const session = this.#session;
    if (!session || !this.#held) throw new Error('the publishing lock is not held');
    return session.query<R>(text, values);
  }

  async #open(): Promise<pg.PoolClient> {
    const session = await this.#opts.pool.connect();
    // A session the server ends (the lease ran out, a restart) emits 'error' on this checked-out client.
    session.on('error', (error) => this.#lose(session, error));
    session.on('end', () => this.#lose(session));
    session.on('notification', () => this.#opts.onNotify());
    try {
      // What commits under the lock is only marks of rows sent: a mark lost in a crash re-sends its
      // rows, which consumers dedupe, so those commits need not wait for the disk.
      await session.query(`SET idle_session_timeout = ${Math.round(this.#opts.leaseMs)}; SET synchronous_commit = off`);
    } catch (error) {
      session.release(true);
      throw error;
    }
    this.#session = session;
    this.#heartbeat = setInterval(() => this.#touch(session), Math.max(100, this.#opts.leaseMs / 3));
    this.#heartbeat.unref();
    return session;
  }

  #touch(session: pg.PoolClient): void {
    if (this.#touching) return;
    this.#touching = true;
    session.query('SELECT 1').then(
      () => (this.#touching = false),
      (error: Error) => {
        this.#touching = false;
        this.#lose(session, error);
      },
    );
  }

  #lose(session: pg.PoolClient, error?: Error): void {
    if (this.#session !== session) return;
    if (this.#held) this.#opts.log.warn({ err: error }, 'outbox relay lost its publishing lock (its database session ended)');
    this.#session = undefined;
    this.#held = false;
    clearInterval(this.#heartbeat);
    // Destroyed, not returned: the session's timeout and LISTEN must not reach other pool users.
    session.release(error ?? true);
  }

  /** Gives the lock up by ending its session. */
  release(): void {
    if (!this.#session) return;
    if (this.#held) this.#opts.log.info('outbox relay gave up the publishing lock');
    this.#held = false;
    this.#lose(this.#session);
  }
}
