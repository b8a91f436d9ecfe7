import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, request, testOperatorToken, TestSystem } from '@msa/system-tests';
import { bearer } from '@msa/service-kit/dev-issuer';

let system: TestSystem;
const url = (path: string) => `${system.url('order')}${path}`;

beforeAll(async () => {
  system = await TestSystem.start();
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('the order HTTP API', () => {
  it('answers 400 problem details naming the body when the JSON is malformed', async () => {
    const res = await request('POST', url('/orders'), '{"items": [');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ status: 400, code: 'INVALID_JSON', instance: '/orders', fields: [{ field: 'body' }] });
  });

  it('answers 400 naming the wrong field', async () => {
    const missing = await request('POST', url('/orders'), { items: [{ sku: 'apple', quantity: 1 }] });
    expect(missing.status).toBe(400);
    expect(missing.json.code).toBe('VALIDATION_FAILED');
    expect(missing.json.fields).toEqual([{ field: 'body.address', message: "must have required property 'address'" }]);
    const zero = await request('POST', url('/orders'), { items: [{ sku: 'apple', quantity: 0 }], address: 'x' });
    expect(zero.json.fields).toEqual([{ field: 'body.items.0.quantity', message: 'must be >= 1' }]);
  });

  it('does not coerce: a quantity of "3" or true, or an address of 42, is a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ items: [{ sku: 'apple', quantity: '3' }], address: 'x' }, 'body.items.0.quantity'],
      [{ items: [{ sku: 'apple', quantity: true }], address: 'x' }, 'body.items.0.quantity'],
      [{ items: [{ sku: 'apple', quantity: 1 }], address: 42 }, 'body.address'],
    ] as const) {
      const res = await request('POST', url('/orders'), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.fields[0].field).toBe(field);
    }
  });

  it('refuses text the database cannot hold (NUL, unpaired surrogates) with a 400 naming the field, never a 500', async () => {
    for (const raw of ['{"items":[{"sku":"apple","quantity":1}],"address":"a\\u0000b"}', '{"items":[{"sku":"apple","quantity":1}],"address":"a\\ud800"}']) {
      const res = await request('POST', url('/orders'), raw);
      expect(res.status, raw).toBe(400);
      expect(res.json.fields[0].field).toBe('body.address');
    }
    const sku = await request('POST', url('/orders'), { items: [{ sku: 'a\u0000b', quantity: 1 }], address: 'x' });
    expect(sku.status).toBe(400);
    expect(sku.json.fields[0].field).toBe('body.items.0.sku');
  });

  it('answers 415 for a body that is not JSON, 413 for one larger than an order needs, 405 with Allow for another method', async () => {
    const text = await fetch(url('/orders'), { method: 'POST', headers: { 'content-type': 'text/plain', authorization: bearer(await testOperatorToken()) }, body: 'apple' });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const big = await request('POST', url('/orders'), { items: [{ sku: 'apple', quantity: 1 }], address: 'x'.repeat(64 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json.code).toBe('BODY_TOO_LARGE');
    const del = await request('DELETE', url('/orders'));
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('POST');
    expect((await request('GET', url('/nowhere'))).json).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it('answers 400 for a field the API does not know', async () => {
    const res = await request('POST', url('/orders'), { items: [{ sku: 'apple', quantity: 1 }], address: 'x', coupon: 'FREE' });
    expect(res.status).toBe(400);
    expect(res.json.fields).toEqual([{ field: 'body.coupon', message: 'must NOT have additional properties' }]);
  });

  it('answers 404 for an unknown order and 400 for an id that is not one', async () => {
    const missing = await request('GET', url('/orders/00000000-0000-4000-8000-000000000000'));
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'NOT_FOUND', detail: 'order "00000000-0000-4000-8000-000000000000" was not found' });
    const bad = await request('GET', url('/orders/42'));
    expect(bad.status).toBe(400);
    expect(bad.json.fields[0].field).toBe('params.id');
  });

  it('places one order for a repeated Idempotency-Key and body (201, then 200 with the same order), and refuses the key with another body (422)', async () => {
    const key = `test-${Date.now()}`;
    const body = { items: [{ sku: 'apple', quantity: 2 }], address: '9 Key Street' };
    const authorization = bearer(await testOperatorToken());
    const post = (b: unknown) => fetch(url('/orders'), { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization }, body: JSON.stringify(b) });
    const first = await post(body);
    expect(first.status).toBe(201);
    const created = await first.json();
    const [again, concurrent] = await Promise.all([post(body), post(body)]);
    expect([again.status, concurrent.status]).toEqual([200, 200]);
    expect((await again.json()).id).toBe(created.id);
    expect(again.headers.get('location')).toBe(`/orders/${created.id}`);
    const other = await post({ ...body, address: '10 Key Street' });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', fields: [{ field: 'headers.idempotency-key' }] });
  });

  it('places concurrent first requests with one key as a single order', async () => {
    const key = `race-${Date.now()}`;
    const body = JSON.stringify({ items: [{ sku: 'pear', quantity: 1 }], address: '1 Race Road' });
    const authorization = bearer(await testOperatorToken());
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(url('/orders'), { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization }, body })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    const ids = new Set(await Promise.all(answers.map(async (a) => (await a.json()).id)));
    expect(ids.size).toBe(1);
  });

  it('serves its OpenAPI document, describing the order endpoints', async () => {
    const res = await request('GET', url('/openapi.json'));
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    expect(res.json.info).toMatchObject({ title: 'order', version: '0.1.0' });
    expect(Object.keys(res.json.paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{id}', '/dependencies']));
    expect(res.json.paths['/orders'].post.requestBody.content['application/json'].schema.required).toEqual(['items', 'address']);
    expect(Object.keys(res.json.paths['/orders'].post.responses).sort()).toEqual(['200', '201', '400', '401', '413', '415', '422', '429', '500', '503']);
    expect(Object.keys(res.json.paths['/orders/{id}'].get.responses).sort()).toEqual(['200', '400', '401', '404', '429', '500', '503']);
  });

  it('is healthy and ready, and exposes Prometheus metrics', async () => {
    expect((await request('GET', url('/healthz'))).json).toEqual({ status: 'ok', service: 'order' });
    const ready = await eventually('the consumer to join its group', async () => {
      const { json } = await request('GET', url('/readyz'));
      return json.checks.consumer === 'ok' ? json : undefined;
    });
    expect(ready).toEqual({ ready: true, status: 'ok', checks: { database: 'ok', kafka: 'ok', outbox: 'ok', consumer: 'ok' } });
    const metrics = (await request('GET', url('/metrics'))).json as string;
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(metrics).toContain('circuit_breaker_open{dependency="delivery",service="order"} 0');
  });
});
