import type { Tx } from '../db/pool.ts';
import type { Envelope } from './envelope.ts';

/** Queues an event inside the caller's transaction; the relay publishes it after commit. */
export async function enqueue(tx: Tx, topic: string, event: Envelope): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (id, topic, key, type, payload) VALUES ($1, $2, $3, $4, $5)`,
    [event.id, topic, event.key, event.type, JSON.stringify(event)],
  );
  // Wakes the relay at once instead of at its next poll.
  await tx.query(`SELECT pg_notify('outbox', '')`);
}
