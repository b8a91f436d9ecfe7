import type { Pool, Tx } from '../db/pool.ts';

/**
 * Tells the relays of this process, without the database, that a transaction which wrote outbox rows
 * committed. It replaces a pg_notify per outbox row: a notifying transaction takes one server-wide
 * lock at commit, which queued every service's commits behind each other's fsync (bench:saga's
 * pgbench measured 1.2-1.9x the TPS without it). A relay that does not hold the publishing lock
 * passes the wake-up on to the one that does (OutboxRelay), once per commit and after it.
 */
const written = new WeakSet<Tx>();
const listeners = new WeakMap<Pool, Set<() => void>>();

/** Called inside tx by whatever writes an outbox row (enqueue). */
export function markOutboxWritten(tx: Tx): void {
  written.add(tx);
}

/**
 * Called by whatever ends tx (withTransaction, the consumer): after a COMMIT, the pool's listeners
 * hear of it once however many rows tx wrote; after a ROLLBACK, nothing was written.
 */
export function transactionEnded(pool: Pool, tx: Tx, committed: boolean): void {
  if (!written.delete(tx) || !committed) return;
  for (const listener of listeners.get(pool) ?? []) listener();
}

/** Listens to commits on pool that wrote outbox rows; returns the function that stops listening. */
export function onOutboxCommitted(pool: Pool, listener: () => void): () => void {
  let set = listeners.get(pool);
  if (!set) listeners.set(pool, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}
