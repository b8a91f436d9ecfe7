import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog, readEventSchema } from '@msa/catalog';
import { checkEventData } from '@msa/service-kit';
import { InvalidTransitionError, nextStatus, outcomeEvent, type OrderStatus, type SagaEvent } from '../src/domain/order-status.ts';
import { events } from '../src/events.ts';
import { outcomeData } from '../src/saga/apply-saga-event.ts';

const catalog = loadCatalog(findRepoRoot());
const STATUSES: OrderStatus[] = ['PENDING', 'RESERVED', 'CONFIRMED', 'REJECTED', 'CANCELLING', 'CANCELLED'];
const CONSUMED: [string, SagaEvent][] = [
  ['inventory.events', 'StockReserved'], ['inventory.events', 'StockRejected'], ['inventory.events', 'StockReleased'],
  ['delivery.events', 'DeliveryScheduled'], ['delivery.events', 'DeliveryFailed'], ['delivery.events', 'DeliveryCancelled'],
];

describe('order reads the events it consumes as their producers declare them', () => {
  it('consumes exactly the types its saga handles, per the catalog', () => {
    const topics = new Set(CONSUMED.map(([t]) => t));
    expect([...topics].sort()).toEqual([...catalog.byName('order').topics.consumes].sort());
  });

  it('turns every example of every consumed event, from every status, into an outcome its own contract accepts', () => {
    let outcomes = 0;
    for (const [topic, type] of CONSUMED) {
      const { file, schema } = readEventSchema(catalog, topic, type);
      expect(schema.examples?.length, `${file} has no examples`).toBeGreaterThan(0);
      for (const example of schema.examples as Record<string, unknown>[]) {
        for (const from of STATUSES) {
          let to: OrderStatus;
          try {
            to = nextStatus(from, type);
          } catch (error) {
            if (error instanceof InvalidTransitionError) continue;
            throw error;
          }
          const outcome = outcomeEvent(from, to);
          if (!outcome) continue;
          outcomes++;
          const { orderId, items: _items, address: _address, ...detail } = example;
          expect(() => checkEventData(events, 'order.events', outcome, outcomeData(outcome, { ...detail, orderId })), `${type} from ${from}`).not.toThrow();
        }
      }
    }
    expect(outcomes, 'the examples reach OrderConfirmed, OrderRejected and OrderCancelled').toBeGreaterThanOrEqual(3);
  });
});
