/** Where an order is in the saga. CONFIRMED, REJECTED and CANCELLED are final. */
export type OrderStatus = 'PENDING' | 'RESERVED' | 'CONFIRMED' | 'REJECTED' | 'CANCELLING' | 'CANCELLED';

/** The other services' events that move an order. */
export type SagaEvent = 'StockReserved' | 'StockRejected' | 'StockReleased' | 'DeliveryScheduled' | 'DeliveryFailed' | 'DeliveryCancelled';

export const FINAL: ReadonlySet<OrderStatus> = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

/**
 * Inventory's and delivery's events come on two topics, so they may arrive in either order:
 * DeliveryScheduled can overtake StockReserved. Each row says where an event leads from a status;
 * an event that merely confirms what is already known leaves the status as it is.
 * A CANCELLED order (its saga deadline passed, or its compensation ended) stays CANCELLED whatever
 * arrives late: inventory and delivery compensate on OrderCancelled, so a late reservation or
 * schedule is undone there, never confirmed here.
 */
const TRANSITIONS: Record<OrderStatus, Partial<Record<SagaEvent, OrderStatus>>> = {
  PENDING: {
    StockReserved: 'RESERVED',
    StockRejected: 'REJECTED',
    DeliveryScheduled: 'CONFIRMED',
    DeliveryFailed: 'CANCELLING',
    StockReleased: 'CANCELLED',
  },
  RESERVED: { StockReserved: 'RESERVED', DeliveryScheduled: 'CONFIRMED', DeliveryFailed: 'CANCELLING', StockReleased: 'CANCELLED' },
  CONFIRMED: { StockReserved: 'CONFIRMED', DeliveryScheduled: 'CONFIRMED' },
  CANCELLING: { StockReserved: 'CANCELLING', DeliveryFailed: 'CANCELLING', StockReleased: 'CANCELLED' },
  CANCELLED: {
    StockReserved: 'CANCELLED',
    StockRejected: 'CANCELLED',
    StockReleased: 'CANCELLED',
    DeliveryScheduled: 'CANCELLED',
    DeliveryFailed: 'CANCELLED',
    DeliveryCancelled: 'CANCELLED',
  },
  REJECTED: { StockRejected: 'REJECTED' },
};

export class InvalidTransitionError extends Error {
  constructor(from: OrderStatus, event: string) {
    super(`event ${event} cannot apply to an order in status ${from}`);
    this.name = 'InvalidTransitionError';
  }
}

/** The status an order moves to on an event; throws when the saga would contradict itself. */
export function nextStatus(from: OrderStatus, event: SagaEvent): OrderStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new InvalidTransitionError(from, event);
  return to;
}

/** The event the order service announces when an order reaches a final status, if any. */
export function outcomeEvent(from: OrderStatus, to: OrderStatus): 'OrderConfirmed' | 'OrderRejected' | 'OrderCancelled' | undefined {
  if (from === to || !FINAL.has(to)) return undefined;
  return to === 'CONFIRMED' ? 'OrderConfirmed' : to === 'REJECTED' ? 'OrderRejected' : 'OrderCancelled';
}
