import type pg from 'pg';
import type { Pool, Tx } from '../db/pool.ts';
import type { Envelope } from '../events/envelope.ts';
import { transactionEnded } from '../events/outbox-signal.ts';
import type { EventHandler } from './consumer.ts';
import { classifyFailure, TransientError } from './failure.ts';

export type Outcome = 'processed' | 'duplicate' | 'ignored' | 'dead_lettered';

/**
 * Opens a transaction and marks the messages processed in the same round trip (each statement a
 * round trip is what the saga's database backends mostly waited on). Returns the ids marked now;
 * the others were processed before. Values are escaped by the driver: the simple protocol that
 * allows several statements takes no parameters.
 */
export async function beginAndMark(client: Tx, consumer: string, ids: string[], lockTimeoutMs?: number): Promise<Set<string>> {
  const rows = ids.map((id) => `(${client.escapeLiteral(id)}, ${client.escapeLiteral(consumer)})`).join(', ');
  const lock = lockTimeoutMs === undefined ? '' : ` SET LOCAL lock_timeout = ${Math.round(lockTimeoutMs)};`;
  const results = (await client.query(
    `BEGIN;${lock} INSERT INTO processed_messages (message_id, consumer) VALUES ${rows} ON CONFLICT DO NOTHING RETURNING message_id`,
  )) as unknown as pg.QueryResult<{ message_id: string }>[];
  return new Set(results.at(-1)!.rows.map((r) => r.message_id));
}

export interface InboxItem {
  event: Envelope;
  /** None: the service does not handle this type; the message is acknowledged and skipped. */
  handler?: EventHandler;
}

/**
 * Applies the messages of one partition, in order, in ONE transaction: one commit (and one fsync)
 * for all of them instead of one each. Lock waits are cut short (lockTimeoutMs), so two batches that
 * lock the same rows in different orders give up at once instead of waiting for deadlock detection.
 * Any failure rolls everything back and is returned: the caller then applies them one by one, with
 * the per-message retry and dead-letter rules.
 */
export async function applyTogether(pool: Pool, consumer: string, items: InboxItem[], lockTimeoutMs: number): Promise<{ outcomes: Outcome[] } | { failure: unknown }> {
  const handled = items.filter((i) => i.handler);
  if (handled.length === 0) return { outcomes: items.map(() => 'ignored') };
  let client: Tx;
  try {
    client = await pool.connect();
  } catch (failure) {
    return { failure };
  }
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    const fresh = await beginAndMark(client, consumer, handled.map((i) => i.event.id), lockTimeoutMs);
    const outcomes: Outcome[] = [];
    for (const { event, handler } of items) {
      if (!handler) outcomes.push('ignored');
      else if (!fresh.delete(event.id)) outcomes.push('duplicate');
      else {
        await handler(client, event);
        outcomes.push('processed');
      }
    }
    await client.query('COMMIT');
    transactionEnded(pool, client, true);
    return { outcomes };
  } catch (failure) {
    transactionEnded(pool, client, false);
    if (!broken) await client.query('ROLLBACK').catch((error: Error) => (broken = error));
    return { failure };
  } finally {
    client.off('error', onError);
    client.release(broken ?? false);
  }
}

/** One attempt at one message in one transaction. Not getting a connection at all is transient, whatever the driver says. */
export async function applyOne(pool: Pool, consumer: string, handler: EventHandler, event: Envelope): Promise<Outcome> {
  const client = await pool.connect().catch((error: unknown) => {
    throw new TransientError('database unreachable', { cause: error });
  });
  let broken: Error | undefined;
  try {
    const marked = await beginAndMark(client, consumer, [event.id]);
    const outcome: Outcome = marked.size === 0 ? 'duplicate' : 'processed';
    if (outcome === 'processed') await handler(client, event);
    await client.query('COMMIT');
    transactionEnded(pool, client, true);
    return outcome;
  } catch (error) {
    transactionEnded(pool, client, false);
    await client.query('ROLLBACK').catch(() => undefined);
    // A connection that failed this way may be dead: the pool opens a fresh one instead.
    if (classifyFailure(error) === 'transient') broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}
