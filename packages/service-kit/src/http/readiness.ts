import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';

export interface Check {
  name: string;
  /** Resolves (with nothing or 'ok') when healthy, or with the name of its state; throws when it cannot tell or fails. */
  check: () => Promise<void | string>;
  /** false: a failure degrades the service but leaves it ready to serve its HTTP API. Default true. */
  required?: boolean;
  /** The state shown when check throws or times out (default `unavailable`). A driver's message is never
   *  shown (it may name hosts, users or SQL); only a CheckStateError's, worded for people (the outbox's). */
  failedState?: string;
}

/** A failed check's state worded for people ("stalled: ..."): the one error whose message /readyz shows. */
export class CheckStateError extends Error {
  override name = 'CheckStateError';
}

export type ReadinessStatus = 'ok' | 'degraded' | 'unavailable';

/** The body of /readyz: ready decides the status code, status and checks say why. */
export interface ReadinessReport {
  ready: boolean;
  status: ReadinessStatus;
  checks: Record<string, string>;
}

const CHECK_TIMEOUT_MS = 1_500;

async function stateOf(c: Check, log: Logger): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([c.check(), timeout])) || 'ok';
  } catch (error) {
    log.debug({ err: error, check: c.name }, 'readiness check failed');
    return error instanceof CheckStateError ? error.message : (c.failedState ?? 'unavailable');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check. Not ready (503) when shutting down or a required check fails; ready but
 * "degraded" when only optional ones fail. Each outcome is also a metric, so an alert needs no probe.
 */
export async function evaluateReadiness(checks: Check[], shuttingDown: boolean, metrics: Metrics, log: Logger): Promise<ReadinessReport> {
  const states = await Promise.all(checks.map(async (c) => [c, await stateOf(c, log)] as const));
  let ready = !shuttingDown;
  let degraded = false;
  const report: Record<string, string> = shuttingDown ? { shutdown: 'in progress' } : {};
  for (const [c, state] of states) {
    report[c.name] = state;
    metrics.dependencyUp.set({ check: c.name }, state === 'ok' ? 1 : 0);
    if (state === 'ok') continue;
    if (c.required ?? true) ready = false;
    else degraded = true;
  }
  const status: ReadinessStatus = !ready ? 'unavailable' : degraded ? 'degraded' : 'ok';
  for (const s of ['ok', 'degraded', 'unavailable'] as const) metrics.readiness.set({ status: s }, s === status ? 1 : 0);
  return { ready, status, checks: report };
}
