import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, loadConfig, startRedis, stopRedis, type ServersConfig } from '@msa/local-servers';
import { eventually, freePort, orderSettles, request, TestSystem } from '@msa/system-tests';

// The read model through a real fault: its own Redis stops for 20 s while orders flow, and its
// process is SIGKILLed once; afterwards every order's journey is there, final as the order is,
// with each event once (0 lost, 0 duplicated), because marks and effects are one script.
const OUTAGE_MS = 20_000;
let system: TestSystem;
let redis: ServersConfig;
let dir: string;
const log = () => {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tracking-redis-'));
  redis = loadConfig({ ...process.env, MSA_LOCAL_DIR: dir, MSA_REDIS_PORT: String(await freePort()) });
  await startRedis(redis, log);
  system = await TestSystem.start({ only: ['order', 'inventory', 'delivery', 'tracking'], servers: { redis: connectionSettings(redis).redis } });
}, 180_000);

afterAll(async () => {
  await system?.close();
  await stopRedis(redis, log);
  rmSync(dir, { recursive: true, force: true });
});

async function placeSome(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const placed = await request('POST', `${system.url('order')}/orders`, { items: [{ sku: 'apple', quantity: 1 }], address: i % 3 ? '1 Main Street' : 'Nowhere Island' });
    expect(placed.status).toBe(201);
    ids.push(placed.json.id);
    await new Promise((r) => setTimeout(r, 200));
  }
  return ids;
}

describe('tracking through a Redis outage and a crash', () => {
  it('loses and duplicates nothing: every journey ends as its order did, each event once', async () => {
    await request('PUT', `${system.url('inventory')}/stock/apple`, { available: 1000 });
    const before = await placeSome(5);
    await stopRedis(redis, log);
    const during = await placeSome(10);
    // Meanwhile the consumer retries (transient), and readiness says the store is away.
    expect((await request('GET', `${system.url('tracking')}/readyz`)).json).toMatchObject({ ready: false, checks: { redis: 'unreachable' } });
    await new Promise((r) => setTimeout(r, OUTAGE_MS - 2_000));
    await system.stopService('tracking', 'SIGKILL');
    await startRedis(redis, log);
    await system.startService('tracking');
    const after = await placeSome(5);
    const ids = [...before, ...during, ...after];
    for (const id of ids) {
      const order = await orderSettles(system.url('order'), id, 60_000);
      const journey = await eventually(`journey ${id} to be ${order.status}`, async () => {
        const r = await request('GET', `${system.url('tracking')}/journeys/${id}`);
        return r.json.status === order.status ? r.json : undefined;
      }, 60_000);
      const eventIds = journey.steps.map((s: { eventId: string }) => s.eventId);
      expect(new Set(eventIds).size).toBe(eventIds.length);
      expect(journey.steps.filter((s: { type: string }) => s.type === 'OrderPlaced')).toHaveLength(1);
    }
    const summary = (await request('GET', `${system.url('tracking')}/summary`)).json;
    expect(summary.placed).toBe(ids.length);
    expect(summary.confirmed + summary.cancelled + summary.rejected).toBe(ids.length);
    expect(summary.inFlightBySku).toEqual({});
  }, 300_000);
});
