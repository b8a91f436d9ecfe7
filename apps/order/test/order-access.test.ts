import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, TestSystem } from '@msa/system-tests';
import { OPERATOR_ROLE, testIssuer } from '@msa/service-kit/dev-issuer';

// Who may do what with orders: each request speaks as the customer (token subject) it names.
let system: TestSystem;
const url = (path: string) => `${system.url('order')}${path}`;
const as = async (sub: string, roles: string[] = []) => ({ token: await testIssuer().token(sub, roles) });
const body = { items: [{ sku: 'apple', quantity: 1 }], address: '1 Access Road' };

beforeAll(async () => {
  system = await TestSystem.start({ only: ['order', 'delivery'] });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('who may place and read orders', () => {
  it('answers 401 problem details to a request without a token, before judging its body', async () => {
    const res = await request('POST', url('/orders'), { nonsense: true }, { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ code: 'UNAUTHENTICATED', fields: [{ field: 'headers.authorization' }] });
    expect((await request('GET', url('/orders/00000000-0000-4000-8000-000000000000'), undefined, { token: null })).status).toBe(401);
  });

  it("shows a customer their own order, another customer's as 404 (as if it did not exist), and any order to an operator", async () => {
    const placed = await request('POST', url('/orders'), body, await as('alice'));
    expect(placed.status).toBe(201);
    expect((await request('GET', url(`/orders/${placed.json.id}`), undefined, await as('alice'))).json.address).toBe('1 Access Road');
    const other = await request('GET', url(`/orders/${placed.json.id}`), undefined, await as('bob'));
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ code: 'NOT_FOUND', detail: `order "${placed.json.id}" was not found` });
    expect(other.json.address).toBeUndefined();
    expect((await request('GET', url(`/orders/${placed.json.id}`), undefined, await as('olga', [OPERATOR_ROLE]))).status).toBe(200);
  });

  it("keeps Idempotency-Keys per customer: another customer's same key and body makes their own order", async () => {
    const key = `shared-${Date.now()}`;
    const post = async (sub: string) => {
      const { token } = await as(sub);
      return fetch(url('/orders'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    };
    const alices = await post('alice');
    const bobs = await post('bob');
    expect([alices.status, bobs.status]).toEqual([201, 201]);
    expect((await bobs.json()).id).not.toBe((await alices.json()).id);
  });
});

describe('business limits of one order', () => {
  it('takes up to 20 lines of up to 100 units, and answers 400 naming the field beyond', async () => {
    const lines = (n: number, quantity = 1) => ({ items: Array.from({ length: n }, (_, i) => ({ sku: `sku-${i}`, quantity })), address: '2 Limit Lane' });
    expect((await request('POST', url('/orders'), lines(20, 100), await as('erin'))).status).toBe(201);
    const many = await request('POST', url('/orders'), lines(21), await as('erin'));
    expect(many.status).toBe(400);
    expect(many.json.fields).toEqual([{ field: 'body.items', message: 'must NOT have more than 20 items' }]);
    const much = await request('POST', url('/orders'), lines(1, 101), await as('erin'));
    expect(much.status).toBe(400);
    expect(much.json.fields).toEqual([{ field: 'body.items.0.quantity', message: 'must be <= 100' }]);
  });

  it('documents the limits in its OpenAPI document', async () => {
    const schema = (await request('GET', url('/openapi.json'))).json.paths['/orders'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.items).toMatchObject({ maxItems: 20 });
    expect(schema.properties.items.items.properties.quantity).toMatchObject({ maximum: 100 });
  });
});

describe('the per-caller rate limit of a replica', () => {
  it('answers 429 problem details with Retry-After to a customer over RATE_LIMIT_MAX, while others carry on', async () => {
    const { proc } = await system.startReplica('order', { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    const get = async (sub: string) => request('GET', `${proc.url}/orders/00000000-0000-4000-8000-000000000000`, undefined, await as(sub));
    for (let i = 0; i < 3; i++) expect((await get('frank')).status).toBe(404);
    const over = await get('frank');
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.json).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await get('grace')).status).toBe(404);
  }, 60_000);
});
