import type { Catalog } from '@msa/catalog';

/**
 * The happy path of one saga as the code in apps/ runs it, one row per database transaction:
 * POST /orders (place-order.service.ts), inventory's reserveStock, delivery's scheduleDelivery,
 * and order's applySagaEvent for StockReserved and for DeliveryScheduled. Each writes its state,
 * its processed_messages row (except the POST) and at most one outbox row.
 */
export const SAGA_STEPS = [
  { service: 'order', step: 'place order', event: 'OrderPlaced', topic: 'order.events' },
  { service: 'inventory', step: 'reserve stock', event: 'StockReserved', topic: 'inventory.events' },
  { service: 'delivery', step: 'schedule delivery', event: 'DeliveryScheduled', topic: 'delivery.events' },
  { service: 'order', step: 'apply StockReserved', event: undefined, topic: undefined },
  { service: 'order', step: 'apply DeliveryScheduled (CONFIRMED)', event: 'OrderConfirmed', topic: 'order.events' },
] as const;

export interface SagaShape {
  transactions: number;
  produced: number;
  /** Deliveries to consumer groups: every service that consumes a topic reads each of its events. */
  consumed: number;
}

export function sagaShape(catalog: Catalog): SagaShape {
  const readers = (topic: string) => catalog.services.filter((s) => s.topics.consumes.includes(topic)).length;
  const events = SAGA_STEPS.filter((s) => s.topic !== undefined);
  return {
    transactions: SAGA_STEPS.length,
    produced: events.length,
    consumed: events.reduce((n, s) => n + readers(s.topic!), 0),
  };
}
