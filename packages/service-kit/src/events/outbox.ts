import type { Tx } from '../db/pool.ts';
import type { Envelope } from './envelope.ts';
import { markOutboxWritten } from './outbox-signal.ts';

/** Queues an event inside the caller's transaction; the relay publishes it after commit. */
export async function enqueue(tx: Tx, topic: string, event: Envelope): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (id, topic, key, type, payload) VALUES ($1, $2, $3, $4, $5)`,
    [event.id, topic, event.key, event.type, JSON.stringify(event)],
  );
  // The relay is woken once tx commits (outbox-signal.ts), not by a NOTIFY inside it.
  markOutboxWritten(tx);
}
