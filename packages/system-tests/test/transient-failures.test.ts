import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, request, setDatabaseAccepting, terminateSessions, TestSystem } from '../src/index.ts';

// Faults of realistic length: a database away for 20 s, sessions killed over 10 s, a crash and restart.
let system: TestSystem;
const FINAL = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  system = await TestSystem.start();
}, 120_000);

afterAll(async () => {
  await system?.close();
});

async function place(sku: string, address: string): Promise<{ id: string; address: string } | undefined> {
  const res = await request('POST', `${system.url('order')}/orders`, { items: [{ sku, quantity: 2 }], address });
  return res.status === 201 ? { id: res.json.id, address } : undefined;
}

async function finalStatuses(ids: string[], timeoutMs = 90_000): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  await eventually(
    `all ${ids.length} orders to be final`,
    async () => {
      for (const id of ids) {
        if (FINAL.has(statuses.get(id) ?? '')) continue;
        const { json } = await request('GET', `${system.url('order')}/orders/${id}`);
        statuses.set(id, json.status);
      }
      const pending = ids.filter((id) => !FINAL.has(statuses.get(id) ?? ''));
      if (pending.length > 0) throw new Error(`${pending.length} not final, e.g. ${pending[0]} is ${statuses.get(pending[0]!)}`);
      return true;
    },
    timeoutMs,
  );
  return statuses;
}

const stockOf = async (sku: string) => (await request('GET', `${system.url('inventory')}/stock/${sku}`)).json.available as number;
const metricsOf = async (service: string) => (await request('GET', `${system.url(service)}/metrics`)).json as string;
const alive = (service: string) => system.processes.get(service)!.child.exitCode === null && system.processes.get(service)!.child.signalCode === null;

describe('transient failures never lose a saga', () => {
  it("finishes every order when inventory's and delivery's databases refuse connections for 20 s", async () => {
    await request('PUT', `${system.url('inventory')}/stock/plum`, { available: 1000 });
    const names = ['inventory', 'delivery'].map((s) => system.databases.get(s)!.name);
    const placed = [];
    for (let i = 0; i < 6; i++) placed.push(await place('plum', i % 3 === 2 ? 'nowhere lane' : `${i} Orchard Road`));

    for (const name of names) await setDatabaseAccepting(system.servers.postgres.url, name, false);
    const outageStarted = Date.now();
    try {
      // Orders keep coming while the databases are away: the order service's own database is up.
      for (let i = 0; i < 8; i++) {
        placed.push(await place('plum', i % 4 === 3 ? 'nowhere lane' : `${i} Cherry Lane`));
        await sleep(1_000);
      }
      const during = await eventually('inventory to report its consumer retrying', async () => {
        const r = await request('GET', `${system.url('inventory')}/readyz`);
        return r.json.checks?.consumer === 'retrying' ? r : undefined;
      });
      // Its HTTP API needs its database: not ready, with states, not driver messages.
      expect(during.status).toBe(503);
      expect(during.json).toMatchObject({ ready: false, status: 'unavailable', checks: { database: 'unreachable', consumer: 'retrying' } });
      const metrics = await metricsOf('inventory');
      expect(metrics).toMatch(/kafka_consumer_transient_failures_total\{topic="order.events",service="inventory"\} [1-9]/);
      expect(metrics).toMatch(/kafka_consumer_transient_failure_seconds\{service="inventory"\} [1-9]/);
      await sleep(Math.max(0, 20_000 - (Date.now() - outageStarted)));
    } finally {
      for (const name of names) await setDatabaseAccepting(system.servers.postgres.url, name, true);
    }

    const accepted = placed.filter((o) => o !== undefined);
    expect(accepted).toHaveLength(14);
    const statuses = await finalStatuses(accepted.map((o) => o.id));
    for (const o of accepted) expect(statuses.get(o.id)).toBe(o.address === 'nowhere lane' ? 'CANCELLED' : 'CONFIRMED');
    const confirmed = accepted.filter((o) => statuses.get(o.id) === 'CONFIRMED').length;
    expect(await stockOf('plum')).toBe(1000 - 2 * confirmed);
    // Nothing was dead-lettered for a fault that passed.
    for (const service of ['inventory', 'delivery', 'order']) {
      expect(await metricsOf(service)).not.toMatch(/kafka_messages_consumed_total\{[^}]*outcome="dead_lettered"[^}]*\} [1-9]/);
    }
    expect((await request('GET', `${system.url('inventory')}/readyz`)).json).toMatchObject({ ready: true, checks: { database: 'ok', consumer: 'ok' } });
  }, 180_000);

  it('no service process dies when PostgreSQL terminates their sessions (57P01) again and again while orders flow', async () => {
    await request('PUT', `${system.url('inventory')}/stock/fig`, { available: 1000 });
    const names = [...system.databases.values()].map((d) => d.name);
    const placed: string[] = [];
    let flowing = true;
    const orders = (async () => {
      while (flowing) {
        const o = await place('fig', '5 Fig Street').catch(() => undefined);
        if (o) placed.push(o.id);
        await sleep(150);
      }
    })();
    let terminated = 0;
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      terminated += await terminateSessions(system.servers.postgres.url, names);
      await sleep(300);
    }
    flowing = false;
    await orders;

    expect(terminated).toBeGreaterThan(10);
    for (const service of ['order', 'inventory', 'delivery']) expect(alive(service), `${service} is still running`).toBe(true);
    expect(placed.length).toBeGreaterThan(10);
    const statuses = await finalStatuses(placed);
    expect([...statuses.values()].every((s) => s === 'CONFIRMED')).toBe(true);
    expect(await stockOf('fig')).toBe(1000 - 2 * placed.length);
  }, 180_000);

  it('serves HTTP within seconds of a restart after SIGKILL, without waiting for its consumer to rejoin the group', async () => {
    const before = await place('plum', '9 Quick Street');
    await finalStatuses([before!.id]);
    await system.stopService('order', 'SIGKILL');
    const started = Date.now();
    await system.startService('order');
    const { status } = await request('GET', `${system.url('order')}/orders/${before!.id}`);
    const elapsed = Date.now() - started;
    expect(status).toBe(200);
    // The killed member holds its partitions for the group's session timeout (10 s); the API does not
    // wait for that. 1-2.5 s on a quiet machine; the bound leaves room for a busy CI runner.
    expect(elapsed).toBeLessThan(5_000);
    expect((await request('GET', `${system.url('order')}/readyz`)).json).toMatchObject({ ready: true, status: 'degraded', checks: { consumer: 'starting' } });
    // New orders are accepted at once and complete once the consumer is back in its group.
    const after = await place('plum', '10 Quick Street');
    expect(after).toBeDefined();
    expect((await finalStatuses([after!.id])).get(after!.id)).toBe('CONFIRMED');
  }, 120_000);

  it('stops at once on SIGTERM while its consumer is still waiting to rejoin the group', async () => {
    await system.stopService('order', 'SIGKILL');
    await system.startService('order');
    expect((await request('GET', `${system.url('order')}/readyz`)).json.checks.consumer).toBe('starting');
    const started = Date.now();
    expect(await system.stopService('order', 'SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await system.startService('order');
  }, 60_000);
});
