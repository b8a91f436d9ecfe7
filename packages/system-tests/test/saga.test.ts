import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metric, orderReaches as reaches, request, TestSystem } from '../src/index.ts';

let system: TestSystem;
const order = () => system.url('order');
const inventory = () => system.url('inventory');
const delivery = () => system.url('delivery');

const orderReaches = (id: string, status: string) => reaches(order(), id, status);

async function stockOf(sku: string): Promise<number> {
  return (await request('GET', `${inventory()}/stock/${sku}`)).json.available;
}

beforeAll(async () => {
  system = await TestSystem.start();
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('the order saga over Kafka', () => {
  it('confirms an order when stock is reserved and delivery is scheduled', async () => {
    await request('PUT', `${inventory()}/stock/apple`, { available: 10 });
    const placed = await request('POST', `${order()}/orders`, { items: [{ sku: 'apple', quantity: 3 }], address: '1 Main Street' });
    expect(placed.status).toBe(201);
    expect(placed.json.status).toBe('PENDING');
    expect(placed.headers.get('location')).toBe(`/orders/${placed.json.id}`);

    const confirmed = await orderReaches(placed.json.id, 'CONFIRMED');
    expect(confirmed.history.map((h: { event: string }) => h.event)).toEqual(
      expect.arrayContaining(['OrderPlaced', 'StockReserved', 'DeliveryScheduled']),
    );
    expect(confirmed.deliveryFee.source).toBe('quote');
    expect(await stockOf('apple')).toBe(7);
    expect((await request('GET', `${delivery()}/deliveries/${placed.json.id}`)).json.status).toBe('SCHEDULED');
  });

  it('rejects an order when stock is short, and takes nothing', async () => {
    await request('PUT', `${inventory()}/stock/pear`, { available: 2 });
    const placed = await request('POST', `${order()}/orders`, { items: [{ sku: 'pear', quantity: 5 }], address: '1 Main Street' });
    const rejected = await orderReaches(placed.json.id, 'REJECTED');
    expect(rejected.history.at(-1)).toMatchObject({ event: 'StockRejected', detail: { reason: expect.stringContaining('pear') } });
    expect(await stockOf('pear')).toBe(2);
  });

  it('cancels an order whose delivery fails, and gives the reserved stock back (compensation)', async () => {
    await request('PUT', `${inventory()}/stock/plum`, { available: 4 });
    const placed = await request('POST', `${order()}/orders`, { items: [{ sku: 'plum', quantity: 4 }], address: 'Nowhere Island' });
    const cancelled = await orderReaches(placed.json.id, 'CANCELLED');
    expect(cancelled.history.map((h: { event: string }) => h.event)).toEqual(
      expect.arrayContaining(['StockReserved', 'DeliveryFailed', 'StockReleased']),
    );
    expect(await stockOf('plum')).toBe(4);
    const reservation = await request('GET', `${inventory()}/reservations/${placed.json.id}`);
    expect(reservation.json.status).toBe('RELEASED');
  });

  it('reports the sagas on /metrics: durations by outcome, no order left open, the pool and the consumers caught up', async () => {
    // The three sagas above: one confirmed, one rejected, one cancelled.
    for (const outcome of ['confirmed', 'rejected', 'cancelled']) {
      expect(await metric(order(), 'order_saga_duration_seconds_count', { outcome }), outcome).toBeGreaterThanOrEqual(1);
    }
    expect(await metric(order(), 'order_saga_duration_seconds_sum')).toBeLessThan(60);
    expect(await metric(order(), 'order_open_orders')).toBe(0);
    expect(await metric(order(), 'order_oldest_open_age_seconds')).toBe(0);
    for (const url of [order(), inventory(), delivery()]) {
      expect(await metric(url, 'db_pool_max_connections'), url).toBe(10);
      expect(await metric(url, 'db_pool_connections', { state: 'idle' }), url).toBeGreaterThanOrEqual(1);
      expect(await metric(url, 'db_pool_waiting_clients'), url).toBe(0);
      // Lag is read from the brokers per consumed topic and partition (3 partitions in tests).
      await eventually(`${url} consumer lag 0`, async () => ((await metric(url, 'kafka_consumer_lag_messages')) === 0 ? true : undefined));
    }
    expect(await metric(inventory(), 'kafka_consumer_lag_messages', { topic: 'order.events', partition: '2' })).toBe(0);
  });
});
