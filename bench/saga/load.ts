import { BalancedPool } from 'undici';
import { bearer, testIssuer } from '@msa/service-kit/dev-issuer';

export interface PostResult {
  status: number;
  /** The JSON body, when the server answered with one. */
  body?: { id?: string; status?: string };
  sentAt: number;
  latencyMs: number;
}

export interface LoadStep {
  sent: number;
  /** Orders not sent because maxInFlight were already waiting: the generator stays bounded. */
  dropped: number;
  results: PostResult[];
}

/**
 * An open-loop generator: the i-th request is due at start + i/rate whatever happened to the ones
 * before (so a slow server cannot slow the offered load down and hide its own latency), with at
 * most maxInFlight requests outstanding. HTTP is undici's BalancedPool over the replicas' URLs.
 */
export class OrderLoad {
  #pool: BalancedPool;
  #maxInFlight: number;
  #inFlight = 0;

  constructor(urls: string[], opts: { connections: number; maxInFlight: number }) {
    this.#pool = new BalancedPool(urls, { connections: opts.connections, pipelining: 1, keepAliveTimeout: 30_000 });
    this.#maxInFlight = opts.maxInFlight;
  }

  /** Offers `ratePerSec` orders per second for durationMs; `onResult` sees each answer as it arrives. */
  async run(ratePerSec: number, durationMs: number, body: (i: number) => unknown, onResult: (r: PostResult) => void = () => undefined): Promise<LoadStep> {
    const total = Math.floor((ratePerSec * durationMs) / 1000);
    const step: LoadStep = { sent: 0, dropped: 0, results: [] };
    const pending = new Set<Promise<void>>();
    const start = performance.now();
    for (let i = 0; i < total; ) {
      const due = start + (i * 1000) / ratePerSec;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      // Fire every request that is due by now (timers are coarser than the interval at high rates).
      while (i < total && start + (i * 1000) / ratePerSec <= performance.now()) {
        if (this.#inFlight >= this.#maxInFlight) step.dropped++;
        else {
          const p = this.#post(body(i)).then((r) => {
            step.results.push(r);
            onResult(r);
          });
          pending.add(p);
          void p.finally(() => pending.delete(p));
          step.sent++;
        }
        i++;
      }
    }
    await Promise.all(pending);
    return step;
  }

  async #post(body: unknown): Promise<PostResult> {
    this.#inFlight++;
    const sentAt = Date.now();
    const t0 = performance.now();
    try {
      const res = await this.#pool.request({
        method: 'POST',
        path: '/orders',
        headers: { 'content-type': 'application/json', authorization: bearer(await testIssuer().token('bench-customer')) },
        body: JSON.stringify(body),
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      const text = await res.body.text();
      let json: PostResult['body'];
      try {
        json = JSON.parse(text) as PostResult['body'];
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, body: json, sentAt, latencyMs: performance.now() - t0 };
    } catch {
      return { status: 0, sentAt, latencyMs: performance.now() - t0 };
    } finally {
      this.#inFlight--;
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
