import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, eventually, metric, readTopic, request, sendRaw, TestSystem } from '../src/index.ts';

// A short deadline so a stranded saga is cancelled within the test; the sweep looks often.
const TIMEOUT_S = 4;
let system: TestSystem;
const order = () => system.url('order');
const inventory = () => system.url('inventory');
const delivery = () => system.url('delivery');

const getOrder = async (id: string) => (await request('GET', `${order()}/orders/${id}`)).json;
const stockOf = async (sku: string) => (await request('GET', `${inventory()}/stock/${sku}`)).json.available as number;
const events = (o: { history: { event: string }[] }) => o.history.map((h) => h.event);

async function orderReaches(id: string, status: string, timeoutMs = 30_000) {
  return eventually(`order ${id} to be ${status}`, async () => {
    const o = await getOrder(id);
    return o.status === status ? o : undefined;
  }, timeoutMs);
}

async function deliveryOf(id: string) {
  const r = await request('GET', `${delivery()}/deliveries/${id}`);
  return r.status === 200 ? r.json : undefined;
}

async function reservationOf(id: string) {
  const r = await request('GET', `${inventory()}/reservations/${id}`);
  return r.status === 200 ? r.json : undefined;
}

/** Waits while history grows: lets late events land before the end state is checked. */
async function settled(id: string, events: string[]) {
  return eventually(`order ${id} to have recorded ${events.join(', ')}`, async () => {
    const o = await getOrder(id);
    return events.every((e) => o.history.some((h: { event: string }) => h.event === e)) ? o : undefined;
  }, 60_000);
}

beforeAll(async () => {
  system = await TestSystem.start({
    only: ['order', 'inventory'],
    env: { order: { ORDER_SAGA_TIMEOUT: `${TIMEOUT_S}s`, ORDER_SAGA_SWEEP_INTERVAL: '500ms' } },
  });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('every saga has a deadline', () => {
  it('cancels an order stuck RESERVED past ORDER_SAGA_TIMEOUT, gives its stock back, and a late delivery never confirms it', async () => {
    // Delivery is not running: the saga cannot finish.
    await request('PUT', `${inventory()}/stock/apple`, { available: 10 });
    const placed = await request('POST', `${order()}/orders`, { items: [{ sku: 'apple', quantity: 3 }], address: '1 Main Street' });
    expect(placed.status).toBe(201);
    await orderReaches(placed.json.id, 'RESERVED');
    expect(await stockOf('apple')).toBe(7);
    // Stuck, it shows among the open orders, and ages (what SagaStuck watches).
    expect(await metric(order(), 'order_open_orders', { status: 'RESERVED' })).toBe(1);
    expect(await metric(order(), 'order_oldest_open_age_seconds')).toBeGreaterThan(0);

    const cancelled = await orderReaches(placed.json.id, 'CANCELLED', 20_000);
    const timedOut = cancelled.history.find((h: { event: string }) => h.event === 'SagaTimedOut');
    expect(timedOut).toMatchObject({ status: 'CANCELLED', detail: { was: 'RESERVED', reason: expect.stringContaining('ORDER_SAGA_TIMEOUT') } });
    // Not before its deadline.
    expect(Date.parse(timedOut.at) - Date.parse(cancelled.createdAt)).toBeGreaterThanOrEqual(TIMEOUT_S * 1000);
    // Ended by the sweep: a timed_out saga of at least the deadline, and no order open any more.
    expect(await metric(order(), 'order_saga_duration_seconds_count', { outcome: 'timed_out' })).toBe(1);
    expect(await metric(order(), 'order_saga_duration_seconds_sum', { outcome: 'timed_out' })).toBeGreaterThanOrEqual(TIMEOUT_S);
    await eventually('no open order', async () => ((await metric(order(), 'order_open_orders')) === 0 ? true : undefined));
    await eventually('the stock to come back', async () => ((await stockOf('apple')) === 10 ? true : undefined));
    expect(await reservationOf(placed.json.id)).toMatchObject({ status: 'RELEASED', reason: expect.stringContaining('ORDER_SAGA_TIMEOUT') });

    // Delivery comes back and finds both the old StockReserved and the OrderCancelled.
    await system.startService('delivery');
    const d = await eventually('delivery to decide the order', async () => ((await deliveryOf(placed.json.id))?.status === 'CANCELLED' ? deliveryOf(placed.json.id) : undefined));
    expect(d.status).toBe('CANCELLED');
    // Either order of the two topics ends the same way; a scheduled-then-cancelled delivery is announced.
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await getOrder(placed.json.id);
    expect(after.status).toBe('CANCELLED');
    expect(events(after)).not.toContain('OrderConfirmed');
    if (events(after).includes('DeliveryScheduled')) expect(events(await settled(placed.json.id, ['DeliveryCancelled']))).toContain('DeliveryCancelled');
    expect(await stockOf('apple')).toBe(10);
  }, 90_000);

  it('refuses a late StockReserved: an order cancelled while inventory was away takes no stock when it returns', async () => {
    await request('PUT', `${inventory()}/stock/pear`, { available: 5 });
    await system.stopService('inventory', 'SIGKILL');
    const placed = await request('POST', `${order()}/orders`, { items: [{ sku: 'pear', quantity: 2 }], address: '2 Side Road' });
    expect(placed.status).toBe(201);
    const cancelled = await orderReaches(placed.json.id, 'CANCELLED', 20_000);
    expect(cancelled.history.find((h: { event: string }) => h.event === 'SagaTimedOut').detail.was).toBe('PENDING');
    // Delivery heard of the cancellation first: it will not schedule this order, whatever comes later.
    await eventually('delivery to record the cancellation', async () => ((await deliveryOf(placed.json.id))?.status === 'CANCELLED' ? true : undefined));

    // Inventory comes back: it reserves on the old OrderPlaced, then releases on the OrderCancelled behind it.
    await system.startService('inventory');
    const late = await settled(placed.json.id, ['StockReserved', 'StockReleased']);
    expect(late.status).toBe('CANCELLED');
    expect(await reservationOf(placed.json.id)).toMatchObject({ status: 'RELEASED' });
    expect(await stockOf('pear')).toBe(5);
    expect(await deliveryOf(placed.json.id)).toMatchObject({ status: 'CANCELLED', address: null });
  }, 90_000);

  it('keeps a cancelled order cancelled when a DeliveryScheduled arrives after it, and dead-letters nothing', async () => {
    const placed = await request('POST', `${order()}/orders`, { items: [{ sku: 'apple', quantity: 1 }], address: '3 High Street' });
    // SIGSTOP: a frozen delivery, as a stalled replica would be.
    system.processes.get('delivery')!.child.kill('SIGSTOP');
    try {
      await orderReaches(placed.json.id, 'CANCELLED', 20_000);
    } finally {
      system.processes.get('delivery')!.child.kill('SIGCONT');
    }
    // A DeliveryScheduled from a delivery replica that decided before it heard of the cancellation.
    const id = placed.json.id as string;
    const late = envelope('DeliveryScheduled', id, { orderId: id, eta: new Date().toISOString() });
    await sendRaw(system.servers.kafka.brokers, `${system.prefix}delivery.events`, [{ key: id, value: JSON.stringify(late) }]);
    const after = await settled(id, ['DeliveryScheduled']);
    expect(after.status).toBe('CANCELLED');
    // Recorded (the thawed delivery may have sent a real one too), and each left the order CANCELLED.
    const scheduled = after.history.filter((h: { event: string }) => h.event === 'DeliveryScheduled');
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.every((h: { status: string }) => h.status === 'CANCELLED')).toBe(true);
    expect(events(after)).not.toContain('OrderConfirmed');
    const deadLetters = await readTopic(system.servers.kafka.brokers, `${system.prefix}order.dlq`, (m) => m.key === id, 3_000);
    expect(deadLetters.filter((m) => m.key === id)).toEqual([]);
    // Delivery, thawed, was told of the cancellation too: nothing stays scheduled for the order.
    await eventually('no delivery scheduled', async () => {
      const d = await deliveryOf(id);
      return d === undefined || d.status !== 'SCHEDULED' ? true : undefined;
    }, 30_000);
  }, 90_000);
});
