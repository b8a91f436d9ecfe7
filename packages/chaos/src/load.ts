import { randomUUID } from 'node:crypto';
import { bearer, testIssuer } from '@msa/service-kit/dev-issuer';
import { sleep } from './timeline.ts';

/** The skus the run sells, each with far more stock than it can sell, and one that is always short. */
export const PLENTY = ['chaos-apple', 'chaos-pear', 'chaos-plum'];
export const SCARCE = 'chaos-scarce';
export const INITIAL_STOCK = 1_000_000;

/** Which way the order's saga should end when nothing goes wrong. */
export type Kind = 'confirm' | 'reject' | 'undeliverable';

export interface Attempt {
  key: string;
  kind: Kind;
  sentAt: number;
  items: { sku: string; quantity: number }[];
  /** The HTTP status, or undefined when no answer came (connection cut, timeout). */
  status?: number;
  orderId?: string;
  answeredAt?: number;
  error?: string;
}

/** Order i's body: mostly orders that confirm, one in ten rejected for stock, one in ten undeliverable. */
export function orderBody(i: number, random: () => number): { kind: Kind; body: { items: Attempt['items']; address: string } } {
  const kind: Kind = i % 10 === 7 ? 'reject' : i % 10 === 3 ? 'undeliverable' : 'confirm';
  const items =
    kind === 'reject'
      ? [{ sku: SCARCE, quantity: 1 }]
      : [{ sku: PLENTY[Math.floor(random() * PLENTY.length)]!, quantity: 1 + Math.floor(random() * 3) }];
  return { kind, body: { items, address: kind === 'undeliverable' ? `Nowhere ${i}` : `${i} Chaos Street` } };
}

/**
 * Places orders at a steady rate (open loop: a slow answer does not slow the next request) until
 * `until()` says stop, as one client would; each request is tried once and its outcome recorded.
 */
export async function placeOrders(opts: {
  url: string;
  ratePerSecond: number;
  until: () => boolean;
  random: () => number;
  requestTimeoutMs?: number;
}): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const inFlight: Promise<void>[] = [];
  const intervalMs = 1000 / opts.ratePerSecond;
  const start = Date.now();
  for (let i = 0; !opts.until(); i++) {
    const due = start + i * intervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    const { kind, body } = orderBody(i, opts.random);
    const attempt: Attempt = { key: randomUUID(), kind, sentAt: Date.now(), items: body.items };
    attempts.push(attempt);
    inFlight.push(send(opts.url, attempt, body, opts.requestTimeoutMs ?? 10_000));
  }
  await Promise.all(inFlight);
  return attempts;
}

async function send(url: string, attempt: Attempt, body: unknown, timeoutMs: number): Promise<void> {
  try {
    const res = await fetch(`${url}/orders`, {
      method: 'POST',
      // Sent for when the API honours it; the run never retries, so it cannot place an order twice.
      headers: { 'content-type': 'application/json', 'idempotency-key': attempt.key, authorization: bearer(await testIssuer().token('chaos-customer')) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    attempt.status = res.status;
    attempt.answeredAt = Date.now();
    const json = (await res.json().catch(() => undefined)) as { id?: string } | undefined;
    if (res.status === 201 || res.status === 200) attempt.orderId = json?.id;
  } catch (error) {
    attempt.error = error instanceof Error ? `${error.name}: ${(error.cause as Error | undefined)?.message ?? error.message}` : String(error);
  }
}
