import { PermanentError, type EventHandler, type HandlerMap, type ServiceContext } from '@msa/service-kit';
import { InvalidTransitionError, nextStatus, outcomeEvent, type SagaEvent } from '../domain/order-status.ts';
import { orders } from '../order.repository.ts';
import { sagaMetrics, type SagaOutcome } from '../saga-metrics/saga-metrics.ts';
import { events } from '../events.ts';

/** The outcome carries the fields of the deciding event that its own schema declares (eta, reason), no others:
 * a field another producer adds to its event later must not break this one's contract. */
export function outcomeData(outcome: keyof (typeof events)['order.events'], data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(events['order.events'][outcome].shape).filter((k) => k in data).map((k) => [k, data[k]]));
}

/** Moves the order the event names, records the event in its history, and announces a final outcome. */
function applySagaEvent(ctx: ServiceContext, type: SagaEvent): EventHandler {
  const { sagaDuration } = sagaMetrics(ctx);
  return async (tx, event) => {
    const orderId = String(event.data.orderId ?? event.key);
    const from = await orders.statusForUpdate(tx, orderId);
    if (!from) throw new PermanentError(`${type} names unknown order ${orderId}`);
    let to;
    try {
      to = nextStatus(from, type);
    } catch (error) {
      if (error instanceof InvalidTransitionError) throw new PermanentError(error.message);
      throw error;
    }
    const { orderId: _id, items: _items, address: _address, ...detail } = event.data;
    const ageSeconds = await orders.transition(tx, orderId, type, to, detail);
    const outcome = outcomeEvent(from, to);
    if (outcome) {
      await ctx.publish(tx, 'order.events', outcome, orderId, outcomeData(outcome, { ...detail, orderId }));
      // Observed before the commit (a handler has no after-commit hook): a rolled-back attempt that is
      // retried counts twice, which is rare (a lost connection at COMMIT) and only skews one bucket.
      sagaDuration.observe({ outcome: to.toLowerCase() as SagaOutcome }, ageSeconds);
    }
  };
}

export function sagaHandlers(ctx: ServiceContext): HandlerMap {
  const on = (type: SagaEvent) => applySagaEvent(ctx, type);
  return {
    'inventory.events': { StockReserved: on('StockReserved'), StockRejected: on('StockRejected'), StockReleased: on('StockReleased') },
    'delivery.events': {
      DeliveryScheduled: on('DeliveryScheduled'),
      DeliveryFailed: on('DeliveryFailed'),
      DeliveryCancelled: on('DeliveryCancelled'),
    },
  };
}
