import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { outgoingTraceHeaders } from '../tracing/tracing.ts';

export interface DependencyOptions {
  /** The called service's name, as in the catalog's `calls`. */
  name: string;
  baseUrl: string;
  timeoutMs: number;
  /** Share of failures (percent) over the rolling window that opens the breaker. */
  errorThresholdPercentage: number;
  /** How long the breaker stays open before one trial call (half-open). */
  resetTimeoutMs: number;
  /** Calls in the window before the breaker may open. */
  volumeThreshold: number;
  log: Logger;
  metrics: Metrics;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A synchronous call to another service, through a timeout and a circuit breaker (opossum):
 * when the dependency keeps failing, callers stop waiting for it and take their fallback at once.
 */
export class Dependency {
  readonly name: string;
  #breaker: CircuitBreaker<[string], unknown>;

  constructor(opts: DependencyOptions) {
    this.name = opts.name;
    const get = async (pathAndQuery: string): Promise<unknown> => {
      // The caller's trace goes along (traceparent), so the callee's span joins it.
      const res = await fetch(new URL(pathAndQuery, opts.baseUrl), { signal: AbortSignal.timeout(opts.timeoutMs), headers: outgoingTraceHeaders() });
      if (!res.ok) throw new Error(`${opts.name} answered ${res.status}`);
      return res.json();
    };
    this.#breaker = new CircuitBreaker(get, {
      timeout: opts.timeoutMs,
      errorThresholdPercentage: opts.errorThresholdPercentage,
      resetTimeout: opts.resetTimeoutMs,
      volumeThreshold: opts.volumeThreshold,
      rollingCountTimeout: 10_000,
    });
    const gauge = opts.metrics.breakerState.labels({ dependency: opts.name });
    gauge.set(0);
    this.#breaker.on('open', () => {
      gauge.set(1);
      opts.log.warn({ dependency: opts.name }, 'circuit breaker opened');
    });
    this.#breaker.on('halfOpen', () => gauge.set(0.5));
    // Every call ends in exactly one of these events (a timeout is a failure too); 'reject' is a call the open breaker refused.
    const calls = (result: string) => opts.metrics.breakerCalls.labels({ dependency: opts.name, result });
    const success = calls('success');
    const failure = calls('failure');
    const rejected = calls('rejected');
    for (const c of [success, failure, rejected]) c.inc(0);
    this.#breaker.on('success', () => success.inc());
    this.#breaker.on('failure', () => failure.inc());
    this.#breaker.on('reject', () => rejected.inc());
    this.#breaker.on('close', () => {
      gauge.set(0);
      opts.log.info({ dependency: opts.name }, 'circuit breaker closed');
    });
  }

  get state(): BreakerState {
    if (this.#breaker.opened) return 'open';
    if (this.#breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  /** GETs a JSON document; throws when the call fails, times out, or the breaker is open. */
  async getJson<T>(pathAndQuery: string): Promise<T> {
    return (await this.#breaker.fire(pathAndQuery)) as T;
  }

  shutdown(): void {
    this.#breaker.shutdown();
  }
}
