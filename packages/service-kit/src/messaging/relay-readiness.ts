import type { Backlog, OutboxBacklog } from '../events/outbox-backlog.ts';
import { CheckStateError, type Check } from '../http/readiness.ts';
import type { FailureReason, RelayState } from './relay.ts';

/** Readiness states of the outbox, as /readyz shows them when the check fails. */
export type OutboxVerdict = 'ok' | 'stalled' | 'unknown';

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

const CANNOT_PUBLISH: Record<FailureReason, string> = {
  broker: "Kafka does not take this replica's events",
  database: 'this replica cannot reach the outbox in its database',
};

/**
 * Whether the outbox is stalled as far as this replica can tell, and why. Stalled: the oldest
 * unpublished event is older than maxAgeMs while this replica cannot publish it, because its own
 * attempts fail, or because another replica holds the lock and no replica has published for as long.
 * A replica that is publishing (even a large backlog, after an outage) is not stalled.
 */
export function judgeOutbox(
  relay: { state: RelayState; reason?: FailureReason },
  backlog: Backlog,
  maxAgeMs: number,
): { verdict: OutboxVerdict; detail: string } {
  if (backlog.events === 0 || backlog.oldestAgeMs <= maxAgeMs) return { verdict: 'ok', detail: '' };
  const waiting = `${backlog.events} events unpublished, the oldest for ${seconds(backlog.oldestAgeMs)} (bound ${seconds(maxAgeMs)})`;
  if (relay.state === 'failing') return { verdict: 'stalled', detail: `${waiting}; ${CANNOT_PUBLISH[relay.reason ?? 'database']}` };
  if (relay.state === 'publishing') return { verdict: 'ok', detail: '' };
  const last = backlog.lastPublishedAgoMs;
  if (last !== undefined && last <= maxAgeMs) return { verdict: 'ok', detail: '' };
  const since = last === undefined ? 'no replica has published yet' : `no replica has published for ${seconds(last)}`;
  return { verdict: 'stalled', detail: `${waiting}; ${since}` };
}

/** The readiness check /readyz composes: fails with "stalled: ..." (or "unknown: ...") and the reason. */
export function relayReadiness(
  relay: { state: RelayState; reason?: FailureReason },
  backlog: OutboxBacklog,
  maxAgeMs: number,
): Check {
  return {
    name: 'outbox',
    async check() {
      let b: Backlog;
      try {
        b = await backlog.read();
      } catch {
        throw new CheckStateError('unknown: the outbox backlog cannot be read (database unreachable)');
      }
      const { verdict, detail } = judgeOutbox(relay, b, maxAgeMs);
      if (verdict !== 'ok') throw new CheckStateError(`${verdict}: ${detail}`);
    },
  };
}
