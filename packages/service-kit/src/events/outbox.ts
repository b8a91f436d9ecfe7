import type { Tx } from '../db/pool.ts';
import type { TraceCarrier } from '../tracing/tracing.ts';
import type { Envelope } from './envelope.ts';
import { markOutboxWritten } from './outbox-signal.ts';

/**
 * Queues an event inside the caller's transaction; the relay publishes it after commit.
 * traceContext: the writing span's W3C headers, which the relay passes on in the Kafka record.
 */
export async function enqueue(tx: Tx, topic: string, event: Envelope, traceContext?: TraceCarrier): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (id, topic, key, type, payload, trace_context) VALUES ($1, $2, $3, $4, $5, $6)`,
    [event.id, topic, event.key, event.type, JSON.stringify(event), traceContext ? JSON.stringify(traceContext) : null],
  );
  // The relay is woken once tx commits (outbox-signal.ts), not by a NOTIFY inside it.
  markOutboxWritten(tx);
}
