import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metric, orderReaches as reaches, request, TestSystem } from '../src/index.ts';

let system: TestSystem;

const orderReaches = (id: string, status: string) => reaches(system.url('order'), id, status, 60_000);

const place = (address = '3 High Street') =>
  request('POST', `${system.url('order')}/orders`, { items: [{ sku: 'apple', quantity: 1 }], address });

beforeAll(async () => {
  system = await TestSystem.start({ env: { order: { BREAKER_RESET_MS: '1000', QUOTE_TIMEOUT_MS: '300' } } });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('designed for failure', () => {
  it('finishes a saga when delivery crashes in the middle of it and comes back', async () => {
    await system.stopService('delivery', 'SIGKILL');
    const placed = await place();
    await orderReaches(placed.json.id, 'RESERVED');
    await system.startService('delivery');
    await orderReaches(placed.json.id, 'CONFIRMED');
  });

  it('finishes a saga when the order service crashes right after accepting the order', async () => {
    const placed = await place();
    expect(placed.status).toBe(201);
    await system.stopService('order', 'SIGKILL');
    await system.startService('order');
    await orderReaches(placed.json.id, 'CONFIRMED');
  });

  it('opens the circuit breaker when delivery is down, serves a visible fallback, and closes again', async () => {
    await system.stopService('delivery', 'SIGKILL');
    const during = [];
    for (let i = 0; i < 4; i++) during.push((await place()).json);
    expect(during.every((o) => o.deliveryFee.source === 'fallback')).toBe(true);
    expect((await request('GET', `${system.url('order')}/dependencies`)).json).toEqual({ delivery: { state: 'open' } });
    // Calls the open breaker refused: each one a fallback served at once.
    expect(await metric(system.url('order'), 'circuit_breaker_calls_total', { dependency: 'delivery', result: 'rejected' })).toBeGreaterThanOrEqual(1);

    await system.startService('delivery');
    const after = await eventually('the breaker to close', async () => {
      const o = (await place()).json;
      return o.deliveryFee.source === 'quote' ? o : undefined;
    });
    expect(after.deliveryFee.amount).toBeGreaterThan(0);
    expect((await request('GET', `${system.url('order')}/dependencies`)).json).toEqual({ delivery: { state: 'closed' } });
    // Orders placed while delivery was away still complete.
    for (const o of during) await orderReaches(o.id, 'CONFIRMED');
  });

  it('times out a slow dependency instead of waiting for it', async () => {
    await system.stopService('delivery');
    await system.startService('delivery', { QUOTE_DELAY_MS: '2000' });
    const started = Date.now();
    const placed = await place();
    expect(placed.json.deliveryFee.source).toBe('fallback');
    expect(Date.now() - started).toBeLessThan(1500);
    await system.stopService('delivery');
    await system.startService('delivery');
  });

  it('finishes in-flight requests on SIGTERM before exiting', async () => {
    await system.stopService('delivery');
    await system.startService('delivery', { QUOTE_DELAY_MS: '800' });
    const slow = request('GET', `${system.url('delivery')}/quotes?address=somewhere`);
    await new Promise((r) => setTimeout(r, 200));
    const exit = system.stopService('delivery', 'SIGTERM');
    expect((await slow).status).toBe(200);
    expect(await exit).toBe(0);
    await system.startService('delivery');
  });

  it('reports not ready while its database refuses it, and ready again after', async () => {
    const db = system.databases.get('inventory')!;
    const admin = system.servers.postgres.url;
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`ALTER ROLE "${db.role}" NOLOGIN`);
      await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [db.role]);
      const notReady = await eventually('inventory to report not ready', async () => {
        const r = await request('GET', `${system.url('inventory')}/readyz`);
        return r.status === 503 ? r.json : undefined;
      });
      expect(notReady).toMatchObject({ ready: false, status: 'unavailable', checks: { database: 'unreachable', kafka: 'ok' } });
    } finally {
      await client.query(`ALTER ROLE "${db.role}" LOGIN`);
      await client.end();
    }
    await eventually('inventory to be ready again', async () => ((await request('GET', `${system.url('inventory')}/readyz`)).status === 200 ? true : undefined));
  });
});
