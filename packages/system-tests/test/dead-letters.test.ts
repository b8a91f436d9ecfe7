import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, eventually, metric, request, sendRaw, TestSystem } from '../src/index.ts';

let system: TestSystem;
const brokers = () => system.servers.kafka.brokers;
const topic = (t: string) => `${system.prefix}${t}`;
const inventory = (p: string) => `${system.url('inventory')}${p}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The dead-letter command, run as an operator would: `npm run dlq -- <args>`. */
async function dlq(...args: string[]): Promise<any> {
  const cli = path.join(system.root, 'packages/service-kit/src/dlq/cli.ts');
  const { stdout } = await promisify(execFile)(process.execPath, [cli, '--brokers', brokers().join(','), '--prefix', system.prefix, '--json', ...args], {
    cwd: system.root,
  });
  return JSON.parse(stdout);
}

const reservation = async (orderId: string) => {
  const r = await request('GET', inventory(`/reservations/${orderId}`));
  return r.status === 200 ? r.json : undefined;
};
const placed = (orderId: string, sku: string, quantity: number) =>
  JSON.stringify(envelope('OrderPlaced', orderId, { orderId, items: [{ sku, quantity }], address: '1 Kiwi Road' }));

beforeAll(async () => {
  system = await TestSystem.start({ only: ['inventory'] });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('dead letters', () => {
  it('lists dead letters with their reasons, and replays chosen ones once', async () => {
    await request('PUT', inventory('/stock/kiwi'), { available: 10 });
    const orderId = randomUUID();
    // A compensation that arrives before its reservation exists cannot apply: dead-lettered.
    await sendRaw(brokers(), topic('delivery.events'), [
      { key: orderId, value: JSON.stringify(envelope('DeliveryFailed', orderId, { orderId, reason: 'van broke down' })) },
    ]);
    await sendRaw(brokers(), topic('order.events'), [{ key: 'poison-dlq', value: '{not json' }]);

    const letters = await eventually('both dead letters to be listed', async () => {
      const all: any[] = await dlq('list', 'inventory');
      return all.length >= 2 ? all : undefined;
    });
    const compensation = letters.find((l) => l.key === orderId);
    const poison = letters.find((l) => l.key === 'poison-dlq');
    expect(compensation).toMatchObject({ reason: `DeliveryFailed for order ${orderId}, which has no reservation`, eventType: 'DeliveryFailed', replayed: false });
    expect(compensation.sourceTopic).toBe(topic('delivery.events'));
    expect(poison).toMatchObject({ reason: 'message value is not JSON', replayed: false });
    expect(poison.eventType).toBeUndefined();
    // Counted by why: an unreadable message, and an event the handler refused.
    expect(await metric(inventory(''), 'kafka_dead_letters_total', { topic: 'order.events', reason: 'invalid_message' })).toBe(1);
    expect(await metric(inventory(''), 'kafka_dead_letters_total', { topic: 'delivery.events', reason: 'permanent' })).toBe(1);

    // Once the reservation exists, the compensation can apply: replay it alone.
    await sendRaw(brokers(), topic('order.events'), [{ key: orderId, value: placed(orderId, 'kiwi', 3) }]);
    await eventually('the reservation', async () => ((await reservation(orderId))?.status === 'RESERVED' ? true : undefined));
    expect((await request('GET', inventory('/stock/kiwi'))).json.available).toBe(7);

    expect(await dlq('replay', 'inventory', '--offset', compensation.id)).toEqual({ replayed: [compensation.id], alreadyReplayed: [], unknown: [] });
    await eventually('the replayed compensation to release the stock', async () => ((await reservation(orderId))?.status === 'RELEASED' ? true : undefined));
    expect((await request('GET', inventory('/stock/kiwi'))).json.available).toBe(10);

    // A second replay of the same letter sends nothing; --all takes only what was not replayed.
    expect(await dlq('replay', 'inventory', '--offset', compensation.id)).toEqual({ replayed: [], alreadyReplayed: [compensation.id], unknown: [] });
    const all = await dlq('replay', 'inventory', '--all');
    expect(all.replayed).toContain(poison.id);
    expect(all.replayed).not.toContain(compensation.id);
    const after: any[] = await eventually('the replayed poison to be dead-lettered again', async () => {
      const list: any[] = await dlq('list', 'inventory');
      return list.filter((l) => l.key === 'poison-dlq').length === 2 ? list : undefined;
    });
    expect(after.find((l) => l.id === compensation.id).replayed).toBe(true);
    expect((await request('GET', inventory('/stock/kiwi'))).json.available).toBe(10);
  }, 120_000);

  it('names a wrong letter id and exits non-zero', async () => {
    await expect(dlq('replay', 'inventory', '--offset', 'nine')).rejects.toThrow(/"nine" is not partition:offset/);
    await expect(dlq('list', 'nosuch')).rejects.toThrow(/no service "nosuch" in the catalog/);
  });

  it('restarts its consumer while the dead-letter topic cannot be written, and loses nothing once it can', async () => {
    const dlqTopic = topic('inventory.dlq');
    const admin = new Admin({ clientId: 'system-tests-admin', bootstrapBrokers: brokers() });
    try {
      await admin.deleteTopics({ topics: [dlqTopic] });
      await eventually('the dead-letter topic to be gone', async () => (!(await admin.listTopics()).includes(dlqTopic) ? true : undefined));
      await request('PUT', inventory('/stock/lime'), { available: 5 });
      const orderId = randomUUID();
      // Same key, same partition: the good message waits behind the poison one.
      await sendRaw(brokers(), topic('order.events'), [
        { key: 'same-key', value: '{still not json' },
        { key: 'same-key', value: placed(orderId, 'lime', 1) },
      ]);
      const down = await eventually('inventory to report its consumer restarting', async () => {
        const r = await request('GET', inventory('/readyz'));
        return r.json.checks?.consumer === 'restarting' ? r : undefined;
      });
      expect(down.status).toBe(200); // the HTTP API still works; the service is degraded
      expect(down.json.status).toBe('degraded');
      expect((await request('GET', inventory('/metrics'))).json).toMatch(/kafka_consumer_restarts_total\{service="inventory"\} [1-9]/);
      await sleep(15_000);
      expect(await reservation(orderId)).toBeUndefined();

      await admin.createTopics({ topics: [dlqTopic], partitions: 3, replicas: 1 });
      await eventually('the order behind the poison message to be reserved', async () => ((await reservation(orderId))?.status === 'RESERVED' ? true : undefined), 60_000);
      const letters: any[] = await dlq('list', 'inventory');
      expect(letters.filter((l) => l.key === 'same-key').map((l) => l.reason)).toEqual(['message value is not JSON']);
      await eventually('the consumer to be ok again', async () => ((await request('GET', inventory('/readyz'))).json.checks.consumer === 'ok' ? true : undefined));
    } finally {
      await admin.close();
    }
  }, 150_000);
});
