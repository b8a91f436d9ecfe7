import { randomUUID } from 'node:crypto';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import type { Final } from './tracker.ts';

const OUTCOMES: Record<string, Final['outcome']> = { OrderConfirmed: 'CONFIRMED', OrderRejected: 'REJECTED', OrderCancelled: 'CANCELLED' };

/** The final outcome an order.events message announces, or undefined for any other event. */
export function finalOf(value: string): { id: string; final: Final } | undefined {
  let event: { type?: string; key?: string; occurredAt?: string; data?: { orderId?: string } };
  try {
    event = JSON.parse(value) as typeof event;
  } catch {
    return undefined; // not an envelope: the services dead-letter it; the observer only skips it
  }
  const outcome = event.type ? OUTCOMES[event.type] : undefined;
  if (!outcome) return undefined;
  const id = String(event.data?.orderId ?? event.key);
  return { id, final: { outcome, at: Date.parse(event.occurredAt ?? '') } };
}

/**
 * Follows order.events from its start (each system under test has topics of its own) and reports
 * every final outcome: cheaper than polling GET /orders/:id for every order, and it loads nothing
 * but the broker. The outcome's time is the event's occurredAt, stamped inside the transaction
 * that made the order final, so the relay's publishing delay is not counted against the saga.
 */
export async function observeOutcomes(brokers: string[], topic: string, onFinal: (id: string, final: Final) => void): Promise<{ close(): Promise<void> }> {
  const consumer = new Consumer({
    groupId: `bench-saga-${randomUUID()}`,
    clientId: 'bench-saga-observer',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 50 });
  const loop = (async () => {
    for await (const m of stream) {
      const seen = m.value ? finalOf(m.value) : undefined;
      if (seen) onFinal(seen.id, seen.final);
    }
  })().catch(() => undefined);
  return {
    async close() {
      await stream.close().catch(() => undefined);
      await loop;
      await consumer.close(true).catch(() => undefined);
    },
  };
}
