import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, TestSystem } from '@msa/system-tests';

let system: TestSystem;
const url = (path: string) => `${system.url('order')}${path}`;

beforeAll(async () => {
  system = await TestSystem.start();
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('the order HTTP API', () => {
  it('answers 400 naming the body when the JSON is malformed', async () => {
    const res = await request('POST', url('/orders'), '{"items": [');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'INVALID_JSON', fields: [{ field: 'body' }] });
  });

  it('answers 400 naming each wrong field', async () => {
    const res = await request('POST', url('/orders'), { items: [{ sku: 'apple', quantity: 0 }] });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('VALIDATION_FAILED');
    expect(res.json.fields).toEqual(
      expect.arrayContaining([
        { field: 'body.items.0.quantity', message: 'must be >= 1' },
        { field: 'body.address', message: "must have required property 'address'" },
      ]),
    );
  });

  it('answers 400 for a field the API does not know', async () => {
    const res = await request('POST', url('/orders'), { items: [{ sku: 'apple', quantity: 1 }], address: 'x', coupon: 'FREE' });
    expect(res.status).toBe(400);
    expect(res.json.fields).toEqual([{ field: 'body.coupon', message: 'must NOT have additional properties' }]);
  });

  it('answers 404 for an unknown order and 400 for an id that is not one', async () => {
    const missing = await request('GET', url('/orders/00000000-0000-4000-8000-000000000000'));
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: 'NOT_FOUND', message: 'order "00000000-0000-4000-8000-000000000000" was not found' });
    const bad = await request('GET', url('/orders/42'));
    expect(bad.status).toBe(400);
    expect(bad.json.fields[0].field).toBe('params.id');
  });

  it('serves its OpenAPI document, describing the order endpoints', async () => {
    const res = await request('GET', url('/openapi.json'));
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    expect(res.json.info).toMatchObject({ title: 'order', version: '0.1.0' });
    expect(Object.keys(res.json.paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{id}', '/dependencies']));
    expect(res.json.paths['/orders'].post.requestBody.content['application/json'].schema.required).toEqual(['items', 'address']);
  });

  it('is healthy and ready, and exposes Prometheus metrics', async () => {
    expect((await request('GET', url('/healthz'))).json).toEqual({ status: 'ok', service: 'order' });
    expect((await request('GET', url('/readyz'))).json).toEqual({ ready: true, checks: { database: 'ok', kafka: 'ok', outbox: 'ok' } });
    const metrics = (await request('GET', url('/metrics'))).json as string;
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(metrics).toContain('circuit_breaker_open{dependency="delivery",service="order"} 0');
  });
});
