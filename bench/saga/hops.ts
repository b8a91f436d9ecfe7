import { percentiles, type Percentiles } from './stats.ts';
import type { Completion } from './tracker.ts';

/** GET /orders/:id as the order service answers it (apps/order/src/get-order/order.schema.ts). */
export interface OrderView {
  status: string;
  createdAt: string;
  history: { event: string; at: string }[];
}

export interface Hops {
  sampled: number;
  /** Orders whose status in GET /orders/:id is the outcome the observer saw on order.events. */
  agreed: number;
  /** POST sent → the order's transaction began (validation, the synchronous fee quote, a connection). */
  postToOrderRow: Percentiles;
  /** Order row → order applied StockReserved (order's relay, Kafka, inventory, inventory's relay, Kafka, order). */
  orderRowToStockReserved: Percentiles;
  /** Order row → order applied DeliveryScheduled: the saga's final step. */
  orderRowToDeliveryScheduled: Percentiles;
}

/** Up to n completions spread evenly over the list. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

/**
 * Where a saga's time goes, from the timestamps the order service keeps (createdAt, and each
 * history row's time, which is the start of the transaction that applied the event).
 */
export function hopsOf(sample: readonly Completion[], views: readonly (OrderView | undefined)[]): Hops {
  const post: number[] = [];
  const reserved: number[] = [];
  const scheduled: number[] = [];
  let agreed = 0;
  sample.forEach((c, i) => {
    const v = views[i];
    if (!v) return;
    if (v.status === c.outcome) agreed++;
    const created = Date.parse(v.createdAt);
    const at = (event: string) => v.history.find((h) => h.event === event)?.at;
    post.push(created - (c.at - c.latencyMs));
    const r = at('StockReserved');
    const s = at('DeliveryScheduled');
    if (r) reserved.push(Date.parse(r) - created);
    if (s) scheduled.push(Date.parse(s) - created);
  });
  const pos = (xs: number[]) => percentiles(xs.map((x) => Math.max(0, x)));
  return { sampled: sample.length, agreed, postToOrderRow: pos(post), orderRowToStockReserved: pos(reserved), orderRowToDeliveryScheduled: pos(scheduled) };
}
