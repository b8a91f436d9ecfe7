import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, request, TestSystem } from '@msa/system-tests';

let system: TestSystem;
const url = (path: string) => `${system.url('order')}${path}`;
const order = { items: [{ sku: 'apple', quantity: 1 }], address: '5 Outage Lane' };

/** Closes the order service's own database to new sessions and ends its open ones, as an outage does. */
async function databaseAway(allow: boolean): Promise<void> {
  const name = system.databases.get('order')!.name;
  const admin = new pg.Client({ connectionString: system.servers.postgres.url });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${allow}`);
    if (!allow) await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  system = await TestSystem.start({ only: ['order', 'delivery'] });
}, 120_000);

afterAll(async () => {
  await databaseAway(true).catch(() => undefined);
  await system?.close();
});

describe('the order API while its database is away for 15 s', () => {
  it('answers 503 problem details with Retry-After, never 500, and serves again once it is back', async () => {
    const before = await request('POST', url('/orders'), order);
    expect(before.status).toBe(201);
    await databaseAway(false);
    const started = Date.now();
    const answers: number[] = [];
    while (Date.now() - started < 15_000) {
      const placed = await request('POST', url('/orders'), order);
      const read = await request('GET', url(`/orders/${before.json.id}`));
      for (const res of [placed, read]) {
        answers.push(res.status);
        if (res.status === 503) {
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(res.json.code).toBe('SERVICE_UNAVAILABLE');
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(new Set(answers)).toEqual(new Set([503]));
    await databaseAway(true);
    const after = await eventually('an order to be accepted again', async () => {
      const res = await request('POST', url('/orders'), order);
      return res.status === 201 ? res : undefined;
    });
    expect(after.json.status).toBe('PENDING');
    expect(system.processes.get('order')!.child.exitCode).toBeNull();
  }, 60_000);
});
