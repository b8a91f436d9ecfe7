import { describe, expect, it } from 'vitest';
import { PartitionLanes } from '../src/messaging/partition-lanes.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('partition lanes', () => {
  it('keeps order within a partition while another partition goes on past a message that waits', async () => {
    const done: string[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const lanes = new PartitionLanes<string>(
      10,
      async (m) => {
        if (m === 'a1') await blocked;
        done.push(m);
      },
      () => undefined,
    );
    for (const [lane, m] of [['a', 'a1'], ['a', 'a2'], ['b', 'b1'], ['b', 'b2']] as const) await lanes.push(lane, m);
    await tick();
    expect(done).toEqual(['b1', 'b2']);
    release();
    await lanes.settled();
    expect(done).toEqual(['b1', 'b2', 'a1', 'a2']);
  });

  it('stops reading ahead when the limit is reached, until a message finishes', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const lanes = new PartitionLanes<number>(2, () => blocked, () => undefined);
    await lanes.push('a', 1);
    await lanes.push('a', 2);
    let third = false;
    const pushing = lanes.push('b', 3).then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    release();
    await pushing;
    expect(third).toBe(true);
  });

  it('reports the first failure once and starts nothing after it', async () => {
    const failures: unknown[] = [];
    const ran: number[] = [];
    const lanes = new PartitionLanes<number>(
      10,
      async (m) => {
        ran.push(m);
        if (m === 1) throw new Error('commit failed');
      },
      (e) => failures.push(e),
    );
    await lanes.push('a', 1);
    await lanes.push('a', 2);
    await lanes.settled();
    await lanes.push('b', 3);
    await lanes.settled();
    expect(ran).toEqual([1]);
    expect(failures).toHaveLength(1);
    expect((lanes.failure?.error as Error).message).toBe('commit failed');
  });

  it('hands the messages that queued in a lane while it was busy to the batch runner together, in order, lanes apart', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const lanes = new PartitionLanes<string>(
      10,
      async (m) => {
        calls.push([m]);
        if (m === 'a1') await blocked;
      },
      () => undefined,
      { max: 2, run: async (batch) => void calls.push(batch) },
    );
    await lanes.push('a', 'a1');
    await tick(); // a1 runs alone and waits; the next ones queue behind it
    for (const m of ['a2', 'a3', 'a4', 'b1']) await lanes.push(m[0]!, m);
    release();
    await lanes.settled();
    expect(calls).toEqual([['a1'], ['b1'], ['a2', 'a3'], ['a4']]);
  });
});
