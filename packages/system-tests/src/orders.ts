import { eventually, request, type RequestAs } from './http.ts';

/** The statuses an order's saga ends in (the order service's domain says the same: apps/order/src/domain/order-status.ts). */
export const FINAL_ORDER_STATUSES: readonly string[] = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

export interface OrderView {
  id: string;
  status: string;
  // The rest of the order as the API returns it (items, history, deliveryFee): tests read what they check.
  [field: string]: any;
}

/** Waits until the order service at `orderUrl` shows order `id` in `status`; returns the order. */
export function orderReaches(orderUrl: string, id: string, status: string, timeoutMs = 30_000, as: RequestAs = {}): Promise<OrderView> {
  return eventually(
    `order ${id} to be ${status}`,
    async () => {
      const { json } = await request('GET', `${orderUrl}/orders/${id}`, undefined, as);
      return json.status === status ? (json as OrderView) : undefined;
    },
    timeoutMs,
  );
}

/** Waits until order `id`'s saga ends (RESERVED and CANCELLING are on the way); returns the order in its final status. */
export function orderSettles(orderUrl: string, id: string, timeoutMs = 30_000, as: RequestAs = {}): Promise<OrderView> {
  return eventually(
    `order ${id} to reach a final status`,
    async () => {
      const { json } = await request('GET', `${orderUrl}/orders/${id}`, undefined, as);
      return FINAL_ORDER_STATUSES.includes(json.status) ? (json as OrderView) : undefined;
    },
    timeoutMs,
  );
}
