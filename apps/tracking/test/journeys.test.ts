import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, eventually, metric, parseMetrics, readTopic, request, sendRaw, TestSystem } from '@msa/system-tests';
import { OPERATOR_ROLE, testIssuer } from '@msa/service-kit/dev-issuer';

// The read side: the tracking service (Go, on Redis) follows every order through the saga from
// the three services' events, started like every other catalog service from its catalog entry.
let system: TestSystem;
const order = () => system.url('order');
const tracking = (p: string) => `${system.url('tracking')}${p}`;
/** How long after an order's saga ends its journey must show it: the read model's lag bound. */
const JOURNEY_BOUND_MS = 15_000;

beforeAll(async () => {
  system = await TestSystem.start({ only: ['order', 'inventory', 'delivery', 'tracking'] });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

async function place(sku: string, quantity: number, address = '1 Main Street'): Promise<string> {
  await request('PUT', `${system.url('inventory')}/stock/${sku}`, { available: 10 });
  const placed = await request('POST', `${order()}/orders`, { items: [{ sku, quantity }], address });
  expect(placed.status).toBe(201);
  return placed.json.id;
}

/** Waits for the journey to reach `status`, within the bound; returns it. */
function journeyReaches(orderId: string, status: string): Promise<any> {
  return eventually(
    `journey ${orderId} to be ${status}`,
    async () => {
      const { status: code, json } = await request('GET', tracking(`/journeys/${orderId}`));
      return code === 200 && json.status === status ? json : undefined;
    },
    JOURNEY_BOUND_MS + 30_000,
  );
}

const types = (journey: any) => journey.steps.map((s: { type: string }) => s.type);

describe('the order journey read model', () => {
  it.each([
    ['confirmed', 'apple', 3, '1 Main Street', 'CONFIRMED', ['OrderPlaced', 'StockReserved', 'DeliveryScheduled', 'OrderConfirmed']],
    ['rejected', 'pear', 50, '1 Main Street', 'REJECTED', ['OrderPlaced', 'StockRejected', 'OrderRejected']],
    ['cancelled by compensation', 'plum', 2, 'Nowhere Island', 'CANCELLED', ['OrderPlaced', 'StockReserved', 'DeliveryFailed', 'StockReleased', 'OrderCancelled']],
  ])('shows the %s path as its steps, each once, with their times', async (_path, sku, quantity, address, status, steps) => {
    const id = await place(sku, quantity, address);
    const journey = await journeyReaches(id, status);
    // Events of three topics arrive in any order between topics; each appears exactly once, and
    // by the time each happened (each step is the answer to the one before) they are the saga's steps in order.
    expect([...types(journey)].sort()).toEqual([...steps].sort());
    const byTime = [...journey.steps].sort((a: any, b: any) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    expect(types({ steps: byTime })).toEqual(steps);
    expect(journey.finalAt).toEqual(expect.any(String));
    for (const step of journey.steps) {
      expect(Date.parse(step.recordedAt) - Date.parse(step.occurredAt)).toBeLessThan(JOURNEY_BOUND_MS);
    }
  }, 60_000);

  it('counts an order in flight per sku until its saga ends', async () => {
    const orderId = randomUUID();
    // An order whose saga has begun (its OrderPlaced) but not ended, told straight to the topic.
    await sendRaw(system.servers.kafka.brokers, `${system.prefix}order.events`, [
      { key: orderId, value: JSON.stringify(envelope('OrderPlaced', orderId, { orderId, items: [{ sku: 'rare-book', quantity: 1 }], address: 'x' })) },
    ]);
    await eventually('rare-book to be in flight', async () => ((await request('GET', tracking('/summary'))).json.inFlightBySku['rare-book'] === 1 ? true : undefined));
    await sendRaw(system.servers.kafka.brokers, `${system.prefix}order.events`, [
      { key: orderId, value: JSON.stringify(envelope('OrderCancelled', orderId, { orderId, reason: 'test' })) },
    ]);
    await journeyReaches(orderId, 'CANCELLED');
    expect((await request('GET', tracking('/summary'))).json.inFlightBySku['rare-book']).toBeUndefined();
  });

  it('applies a redelivered event once, and dead-letters what can never be processed', async () => {
    const orderId = randomUUID();
    const placed = JSON.stringify(envelope('OrderPlaced', orderId, { orderId, items: [{ sku: 'kiwi', quantity: 1 }], address: 'x' }));
    const topic = `${system.prefix}order.events`;
    await sendRaw(system.servers.kafka.brokers, topic, [{ key: orderId, value: placed }, { key: orderId, value: placed }, { key: 'poison', value: '{not json' }]);
    await journeyReaches(orderId, 'IN_FLIGHT');
    const letters = await readTopic(system.servers.kafka.brokers, `${system.prefix}tracking.dlq`, (m) => m.key === 'poison');
    expect(letters.at(-1)?.headers).toMatchObject({ 'dlq-source-topic': 'order.events', 'dlq-consumer': 'tracking' });
    expect(await metric(tracking(''), 'kafka_messages_consumed_total', { topic: 'order.events', outcome: 'duplicate', service: 'tracking' })).toBeGreaterThanOrEqual(1);
    expect(await metric(tracking(''), 'kafka_messages_consumed_total', { topic: 'order.events', outcome: 'dead_lettered' })).toBeGreaterThanOrEqual(1);
    // Inventory answers the OrderPlaced (a StockRejected: kiwi has no stock); the OrderPlaced itself is there once.
    const journey = (await request('GET', tracking(`/journeys/${orderId}`))).json;
    expect(types(journey).filter((t: string) => t === 'OrderPlaced')).toHaveLength(1);
  });

  it('exposes every metric its alert rules read, under the kit\'s names (the rules are written once for every language)', async () => {
    const rules = readFileSync(path.join(system.root, 'monitoring', 'alerts.rules.yml'), 'utf8');
    const read = new Set([...rules.matchAll(/([a-z_]+)\{service="tracking"/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThan(0);
    const exposed = new Set(parseMetrics(await (await fetch(tracking('/metrics'))).text()).filter((m) => m.labels.service === 'tracking').map((m) => m.name));
    expect([...read].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('answers like the other services: problem details, readiness checks, its OpenAPI document', async () => {
    const notFound = await request('GET', tracking(`/journeys/${randomUUID()}`));
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toContain('application/problem+json');
    expect(notFound.json).toMatchObject({ type: 'urn:msa:problem:not-found', code: 'NOT_FOUND' });
    expect((await request('GET', tracking('/journeys/not-a-uuid'))).json).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    // The platform's paths are open, as the kit's: probes and scrapers carry no token.
    const anonymous = { token: null };
    expect((await request('GET', tracking('/readyz'), undefined, anonymous)).json).toMatchObject({ ready: true, checks: { redis: 'ok', kafka: 'ok', consumer: 'ok' } });
    expect((await request('GET', tracking('/healthz'), undefined, anonymous)).status).toBe(200);
    const openapi = (await request('GET', tracking('/openapi.json'), undefined, anonymous)).json;
    expect(openapi.paths).toHaveProperty(['/journeys/{orderId}']);
    expect(openapi.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

// The Go service verifies the tokens the TypeScript dev issuer mints (the contract between the two):
// customer care only, as the kit's services answer.
describe('who may read journeys', () => {
  const paths = () => [tracking(`/journeys/${randomUUID()}`), tracking('/summary')];

  it('answers 401 problem details with WWW-Authenticate: Bearer without a valid token, before judging the request', async () => {
    for (const url of [...paths(), tracking('/journeys/not-a-uuid')]) {
      const res = await request('GET', url, undefined, { token: null });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.json).toMatchObject({ type: 'urn:msa:problem:unauthenticated', code: 'UNAUTHENTICATED', fields: [{ field: 'headers.authorization' }] });
    }
    const issuer = testIssuer();
    const otherApi = await issuer.mint({ sub: 'care-1', roles: [OPERATOR_ROLE], audience: 'another-api' });
    expect((await request('GET', tracking('/summary'), undefined, { token: otherApi })).json).toMatchObject({ status: 401, detail: 'the bearer token is not for this API (audience)' });
    const expired = await issuer.mint({ sub: 'care-1', roles: [OPERATOR_ROLE], ttlSeconds: -60 });
    expect((await request('GET', tracking('/summary'), undefined, { token: expired })).json).toMatchObject({ status: 401, detail: 'the bearer token is not valid (ERR_JWT_EXPIRED)' });
  });

  it('answers 403 to a customer: journeys and the summary are for the operator role', async () => {
    const customer = { token: await testIssuer().token('customer-1', []) };
    for (const url of paths()) {
      const res = await request('GET', url, undefined, customer);
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ code: 'FORBIDDEN', detail: 'this operation needs the "operator" role' });
    }
    expect((await request('GET', tracking('/summary'), undefined, { token: await testIssuer().token('care-2', [OPERATOR_ROLE]) })).status).toBe(200);
  });
});
