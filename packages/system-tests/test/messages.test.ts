import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, eventually, orderReaches, readTopic, request, sendRaw, TestSystem } from '../src/index.ts';

let system: TestSystem;
const brokers = () => system.servers.kafka.brokers;
const topic = (t: string) => `${system.prefix}${t}`;
const stockOf = async (sku: string) => (await request('GET', `${system.url('inventory')}/stock/${sku}`)).json.available as number;

beforeAll(async () => {
  system = await TestSystem.start();
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('consumers under redelivery and bad messages', () => {
  it('applies a duplicated message once: the second delivery changes nothing', async () => {
    await request('PUT', `${system.url('inventory')}/stock/apple`, { available: 10 });
    const orderId = randomUUID();
    const placed = JSON.stringify(envelope('OrderPlaced', orderId, { orderId, items: [{ sku: 'apple', quantity: 2 }], address: '1 Main Street' }));
    await sendRaw(brokers(), topic('order.events'), [
      { key: orderId, value: placed },
      { key: orderId, value: placed },
    ]);
    await eventually('the reservation', async () => ((await request('GET', `${system.url('inventory')}/reservations/${orderId}`)).status === 200 ? true : undefined));
    // Both copies are handled in order on one partition; give the second its turn, then check.
    const marker = randomUUID();
    await sendRaw(brokers(), topic('order.events'), [
      { key: orderId, value: JSON.stringify(envelope('OrderPlaced', marker, { orderId: marker, items: [{ sku: 'apple', quantity: 1 }], address: 'x' })) },
    ]);
    await eventually('the marker reservation', async () => ((await request('GET', `${system.url('inventory')}/reservations/${marker}`)).status === 200 ? true : undefined));
    expect(await stockOf('apple')).toBe(10 - 2 - 1);
    // The second copy was recognised by its message id, before any domain logic ran.
    const metrics = (await request('GET', `${system.url('inventory')}/metrics`)).json as string;
    expect(metrics).toMatch(/kafka_messages_consumed_total\{topic="order.events",outcome="duplicate",service="inventory"\} [1-9]/);
  });

  it('dead-letters a poison message with its reason, and the consumer goes on', async () => {
    await sendRaw(brokers(), topic('order.events'), [{ key: 'poison-1', value: '{not json' }]);
    const dead = (await readTopic(brokers(), topic('inventory.dlq'), (m) => m.key === 'poison-1')).at(-1);
    expect(dead).toMatchObject({
      key: 'poison-1',
      value: '{not json',
      headers: expect.objectContaining({ 'dlq-reason': 'message value is not JSON', 'dlq-source-topic': topic('order.events'), 'dlq-consumer': 'inventory' }),
    });

    const placed = await request('POST', `${system.url('order')}/orders`, { items: [{ sku: 'pear', quantity: 1 }], address: '2 Side Road' });
    // The order after the poison message confirms.
    await orderReaches(system.url('order'), placed.json.id, 'CONFIRMED');
  });

  it('dead-letters a well-formed event that cannot apply, naming why', async () => {
    const ghost = randomUUID();
    await sendRaw(brokers(), topic('delivery.events'), [
      { key: ghost, value: JSON.stringify(envelope('DeliveryScheduled', ghost, { orderId: ghost })) },
    ]);
    const dead = await readTopic(brokers(), topic('order.dlq'), (m) => m.key === ghost);
    expect(dead.at(-1)?.headers['dlq-reason']).toBe(`DeliveryScheduled names unknown order ${ghost}`);
  });

  it('dead-letters an envelope missing a field, naming the field', async () => {
    await sendRaw(brokers(), topic('inventory.events'), [{ key: 'k', value: JSON.stringify({ type: 'StockReserved', key: 'k' }) }]);
    const dead = await readTopic(brokers(), topic('delivery.dlq'), (m) => m.key === 'k');
    expect(dead.at(-1)?.headers['dlq-reason']).toMatch(/^message envelope invalid at "id"/);
  });
});
