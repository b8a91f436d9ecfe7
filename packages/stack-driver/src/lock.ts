import pRetry, { AbortError } from 'p-retry';
import type { ExecResult } from './exec.ts';
import { STACK_LOCKED, tail, type Pulumi } from './pulumi.ts';

export interface LockWaitOptions {
  /** Give up after this long; the default is half an hour, longer than any one update should take. */
  timeoutMs?: number;
  /** Called each time the stack is found locked, with how long we have waited so far. */
  onWaiting?: (info: { stack: string; waitedMs: number; holder: string }) => void;
}

/**
 * `pulumi up` that waits for the stack's lock instead of failing: when another update holds
 * the stack, Pulumi refuses at once with a lock message; we retry with backoff until it is free.
 */
export async function upWaitingForLock(pulumi: Pulumi, stack: string, opts: LockWaitOptions = {}): Promise<ExecResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  return pRetry(
    async () => {
      const r = await pulumi.up(stack);
      if (r.exitCode === 0) return r;
      const text = `${r.stdout}\n${r.stderr}`;
      if (STACK_LOCKED.test(text)) {
        const holder = /created by [^\n]*/.exec(text)?.[0] ?? 'another update';
        opts.onWaiting?.({ stack, waitedMs: Date.now() - started, holder });
        throw new Error(`stack ${stack} is locked by another update (${holder})`);
      }
      throw new AbortError(`pulumi up for stack ${stack} failed:\n${tail(r)}`);
    },
    { retries: Number.POSITIVE_INFINITY, minTimeout: 250, maxTimeout: 5_000, factor: 1.5, maxRetryTime: timeoutMs },
  );
}
