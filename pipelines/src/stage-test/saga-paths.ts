import { callApi, type ApiClient } from './client.ts';

/**
 * The stage's behaviour tests: the three ends of the order saga, driven from outside through the
 * public API only, as a client would (the same test on this machine and in the cloud):
 * - confirmed: stock there, a deliverable address;
 * - rejected: more than inventory has (`rare-book` is seeded with 1; no path takes it);
 * - cancelled: stock reserved, then delivery fails for an undeliverable address, and the stock is
 *   given back (the compensation), so the order ends CANCELLED with StockReleased in its history.
 */
export interface SagaPath {
  name: 'confirmed' | 'rejected' | 'cancelled';
  order: { items: { sku: string; quantity: number }[]; address: string };
  status: 'CONFIRMED' | 'REJECTED' | 'CANCELLED';
  /** Events the order's history must show, in any order. */
  events: string[];
}

export const SAGA_PATHS: readonly SagaPath[] = [
  { name: 'confirmed', order: { items: [{ sku: 'apple', quantity: 1 }], address: '1 Stage Test Street' }, status: 'CONFIRMED', events: ['OrderPlaced', 'StockReserved', 'DeliveryScheduled'] },
  { name: 'rejected', order: { items: [{ sku: 'rare-book', quantity: 2 }], address: '1 Stage Test Street' }, status: 'REJECTED', events: ['OrderPlaced', 'StockRejected'] },
  { name: 'cancelled', order: { items: [{ sku: 'plum', quantity: 1 }], address: 'Nowhere Island' }, status: 'CANCELLED', events: ['StockReserved', 'DeliveryFailed', 'StockReleased'] },
];

export interface PathResult {
  path: SagaPath['name'];
  ok: boolean;
  ms: number;
  orderId?: string;
  detail: string;
}

interface OrderBody {
  id?: string;
  status?: string;
  history?: { event: string }[];
}

/** Runs one path: place the order, wait until it is final, check its status and history. */
export async function runSagaPath(client: ApiClient, path: SagaPath, timeoutMs: number): Promise<PathResult> {
  const started = Date.now();
  const result = (ok: boolean, detail: string, orderId?: string): PathResult => ({ path: path.name, ok, ms: Date.now() - started, ...(orderId ? { orderId } : {}), detail });
  try {
    const placed = await callApi(client, 'POST', '/orders', path.order);
    const id = (placed.body as OrderBody).id;
    if (placed.status !== 201 || !id) return result(false, `POST /orders answered ${placed.status}: ${JSON.stringify(placed.body).slice(0, 300)}`);
    let last: OrderBody = {};
    while (Date.now() - started < timeoutMs) {
      const got = await callApi(client, 'GET', `/orders/${id}`);
      last = got.body as OrderBody;
      if (got.status === 200 && ['CONFIRMED', 'REJECTED', 'CANCELLED'].includes(last.status ?? '')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seen = (last.history ?? []).map((h) => h.event);
    if (last.status !== path.status) return result(false, `order ${id} is ${last.status ?? 'unknown'} after ${Date.now() - started} ms, not ${path.status} (history: ${seen.join(', ') || 'none'})`, id);
    const missing = path.events.filter((e) => !seen.includes(e));
    if (missing.length > 0) return result(false, `order ${id} is ${path.status} but its history lacks ${missing.join(', ')} (has ${seen.join(', ')})`, id);
    return result(true, `order ${id} ${path.status} (${path.events.join(' → ')})`, id);
  } catch (e) {
    return result(false, `${(e as Error).message}${(e as Error).cause ? `: ${((e as Error).cause as Error).message}` : ''}`);
  }
}

/** All three paths side by side (they touch different skus, so none waits on another). */
export async function runSagaPaths(client: ApiClient, timeoutMs: number): Promise<PathResult[]> {
  return Promise.all(SAGA_PATHS.map((p) => runSagaPath(client, p, timeoutMs)));
}
