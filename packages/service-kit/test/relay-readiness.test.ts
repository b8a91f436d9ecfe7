import { describe, expect, it } from 'vitest';
import { judgeOutbox } from '../src/index.ts';

const bound = 30_000;
const old = { events: 4, oldestAgeMs: 45_000, lastPublishedAgoMs: 60_000 };

describe('how a replica judges its outbox for readiness', () => {
  it('is fine with a backlog younger than the bound, whatever its relay is doing: that is what the outbox is for', () => {
    const young = { events: 9, oldestAgeMs: 29_000, lastPublishedAgoMs: 120_000 };
    for (const state of ['publishing', 'standby', 'failing'] as const) expect(judgeOutbox({ state, reason: 'broker' }, young, bound).verdict).toBe('ok');
  });

  it('is fine while it publishes, even an old backlog (draining after an outage)', () => {
    expect(judgeOutbox({ state: 'publishing' }, old, bound).verdict).toBe('ok');
  });

  it('is stalled when its own sends fail and the backlog is older than the bound, and says why without a driver error', () => {
    expect(judgeOutbox({ state: 'failing', reason: 'broker' }, old, bound)).toEqual({
      verdict: 'stalled',
      detail: "4 events unpublished, the oldest for 45 s (bound 30 s); Kafka does not take this replica's events",
    });
    expect(judgeOutbox({ state: 'failing', reason: 'database' }, old, bound).detail).toMatch(/cannot reach the outbox in its database$/);
  });

  it('as a standby, is stalled only when no replica has published for as long as the bound', () => {
    expect(judgeOutbox({ state: 'standby' }, old, bound)).toEqual({
      verdict: 'stalled',
      detail: '4 events unpublished, the oldest for 45 s (bound 30 s); no replica has published for 60 s',
    });
    expect(judgeOutbox({ state: 'standby' }, { ...old, lastPublishedAgoMs: 2_000 }, bound).verdict).toBe('ok');
    expect(judgeOutbox({ state: 'standby' }, { ...old, lastPublishedAgoMs: undefined }, bound).detail).toMatch(/no replica has published yet$/);
  });
});
