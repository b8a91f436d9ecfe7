import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, loadConfig, startKafka, stopKafka, type ServersConfig } from '@msa/local-servers';
import { envelope, eventually, freePort, request, sendRaw, TestSystem } from '../src/index.ts';

// A broker of this test's own, so stopping it disturbs no other test.
let config: ServersConfig;
let dir: string;
let system: TestSystem;
const log = () => undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'msa-outage-'));
  config = loadConfig({
    ...process.env,
    MSA_LOCAL_DIR: dir,
    MSA_KAFKA_PORT: String(await freePort()),
    MSA_KAFKA_CONTROLLER_PORT: String(await freePort()),
  });
  await startKafka(config, log);
  const shared = connectionSettings();
  system = await TestSystem.start({ servers: { postgres: shared.postgres, kafka: connectionSettings(config).kafka } });
}, 180_000);

afterAll(async () => {
  await system?.close();
  await stopKafka(config, log);
  rmSync(dir, { recursive: true, force: true });
});

const readiness = () => request('GET', `${system.url('inventory')}/readyz`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a service when Kafka goes away', () => {
  it('stays ready but reports itself degraded while the broker is down for 20 s, takes orders, and completes them when it is back', async () => {
    expect((await readiness()).json).toMatchObject({ ready: true, checks: { kafka: 'ok' } });

    await stopKafka(config, log);
    const stopped = Date.now();
    const down = await eventually('inventory to report Kafka unreachable', async () => {
      const r = await readiness();
      return r.json.checks?.kafka === 'unreachable' ? r : undefined;
    });
    // Its HTTP API needs only its database; what Kafka's absence means is in the body and the metrics.
    expect(down.status).toBe(200);
    expect(down.json).toMatchObject({ ready: true, status: 'degraded', checks: { database: 'ok', kafka: 'unreachable' } });
    const metrics = (await request('GET', `${system.url('inventory')}/metrics`)).json as string;
    expect(metrics).toMatch(/service_dependency_up\{check="kafka",service="inventory"\} 0/);
    expect(metrics).toMatch(/service_readiness_status\{status="degraded",service="inventory"\} 1/);

    // The public API keeps taking orders: they wait in the outbox.
    const order = system.url('order');
    const placed = await request('POST', `${order}/orders`, { items: [{ sku: 'pear', quantity: 1 }], address: '4 Outage Road' });
    expect(placed.status).toBe(201);
    expect((await request('GET', `${order}/orders/${placed.json.id}`)).json.status).toBe('PENDING');
    const orderReadiness = await eventually('order to report Kafka unreachable', async () => {
      const r = await request('GET', `${order}/readyz`);
      return r.json.checks?.kafka === 'unreachable' ? r : undefined;
    });
    // A young backlog is what the outbox is for (it goes out of service only past OUTBOX_MAX_AGE_MS, 30 s).
    expect(orderReadiness.status).toBe(200);
    expect(orderReadiness.json).toMatchObject({ ready: true, status: 'degraded', checks: { database: 'ok', outbox: 'ok' } });
    await sleep(Math.max(0, 20_000 - (Date.now() - stopped)));

    await startKafka(config, log);
    await eventually('inventory to be back to ok', async () => ((await readiness()).json.status === 'ok' ? true : undefined), 60_000);

    const orderId = randomUUID();
    await sendRaw(system.servers.kafka.brokers, `${system.prefix}order.events`, [
      { key: orderId, value: JSON.stringify(envelope('OrderPlaced', orderId, { orderId, items: [{ sku: 'pear', quantity: 1 }], address: 'x' })) },
    ]);
    const reservation = await eventually(
      'a reservation made after the outage',
      async () => {
        const r = await request('GET', `${system.url('inventory')}/reservations/${orderId}`);
        return r.status === 200 ? r.json : undefined;
      },
      60_000,
    );
    expect(reservation.status).toBe('RESERVED');
    await eventually('the order placed during the outage to confirm', async () => {
      const { json } = await request('GET', `${order}/orders/${placed.json.id}`);
      return json.status === 'CONFIRMED' ? true : undefined;
    }, 60_000);
  }, 180_000);
});
