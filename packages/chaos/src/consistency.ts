/** The pure rules the audit applies: what each service must hold for an order, and what counts twice. */

export type OrderStatus = 'PENDING' | 'RESERVED' | 'CONFIRMED' | 'REJECTED' | 'CANCELLING' | 'CANCELLED';
export const FINAL: ReadonlySet<string> = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

export interface OrderView {
  id: string;
  status: OrderStatus;
  /** What inventory holds for the order, if anything (its reservation's status). */
  reservation?: string;
  /** What delivery holds for the order, if anything. */
  delivery?: string;
}

/**
 * Why the services disagree about a final order, or undefined when they agree:
 *   CONFIRMED ⇔ stock reserved and a delivery scheduled;
 *   CANCELLED ⇔ no stock held (released, rejected or never taken) and no delivery scheduled;
 *   REJECTED  ⇔ nothing reserved and no delivery.
 */
export function disagreement(o: OrderView): string | undefined {
  const held = `reservation ${o.reservation ?? 'none'}, delivery ${o.delivery ?? 'none'}`;
  switch (o.status) {
    case 'CONFIRMED':
      return o.reservation === 'RESERVED' && o.delivery === 'SCHEDULED' ? undefined : `CONFIRMED but ${held}`;
    case 'CANCELLED': {
      // Inventory must have decided (a row exists) and hold nothing; delivery must hold nothing scheduled.
      const stockFree = o.reservation === 'RELEASED' || o.reservation === 'CANCELLED' || o.reservation === 'REJECTED';
      return stockFree && o.delivery !== 'SCHEDULED' ? undefined : `CANCELLED but ${held}`;
    }
    case 'REJECTED':
      return o.reservation === 'REJECTED' && o.delivery === undefined ? undefined : `REJECTED but ${held}`;
    default:
      return `not final: ${o.status} (${held})`;
  }
}

/** Units of each sku taken from stock but not held by a reservation (or the reverse): effects applied twice or lost. */
export function stockDrift(
  initial: number,
  available: ReadonlyMap<string, number>,
  reserved: readonly { status: string; items: { sku: string; quantity: number }[] }[],
): Record<string, number> {
  const held = new Map<string, number>();
  for (const r of reserved) {
    if (r.status !== 'RESERVED') continue;
    for (const i of r.items) held.set(i.sku, (held.get(i.sku) ?? 0) + i.quantity);
  }
  const drift: Record<string, number> = {};
  for (const [sku, now] of available) {
    const diff = initial - now - (held.get(sku) ?? 0);
    if (diff !== 0) drift[sku] = diff;
  }
  return drift;
}

export interface EventSeen {
  id: string;
  type: string;
  key: string;
}

/** Effects announced twice: the same kind of event for one order under two different event ids. */
export function duplicatedEvents(events: readonly EventSeen[], types: ReadonlySet<string>): { orderId: string; type: string; ids: number }[] {
  const ids = new Map<string, Set<string>>();
  for (const e of events) {
    if (!types.has(e.type)) continue;
    const k = `${e.key} ${e.type}`;
    if (!ids.has(k)) ids.set(k, new Set());
    ids.get(k)!.add(e.id);
  }
  return [...ids]
    .filter(([, s]) => s.size > 1)
    .map(([k, s]) => {
      const [orderId, type] = k.split(' ') as [string, string];
      return { orderId, type, ids: s.size };
    });
}

/** The event types that are effects: each may happen at most once per order. */
export const EFFECT_EVENTS = new Set([
  'StockReserved',
  'StockRejected',
  'StockReleased',
  'DeliveryScheduled',
  'DeliveryFailed',
  'DeliveryCancelled',
  'OrderConfirmed',
  'OrderRejected',
  'OrderCancelled',
]);
