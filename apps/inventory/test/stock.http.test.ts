import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, TestSystem } from '@msa/system-tests';
import { testIssuer } from '@msa/service-kit/dev-issuer';

let system: TestSystem;
const url = (path: string) => `${system.url('inventory')}${path}`;

beforeAll(async () => {
  system = await TestSystem.start({ only: ['inventory'] });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('the inventory HTTP API', () => {
  it('has seed stock on a fresh database', async () => {
    expect((await request('GET', url('/stock/apple'))).json).toEqual({ sku: 'apple', available: 1000 });
  });

  it('sets stock and reads it back', async () => {
    expect((await request('PUT', url('/stock/kiwi'), { available: 7 })).status).toBe(200);
    expect((await request('GET', url('/stock/kiwi'))).json).toEqual({ sku: 'kiwi', available: 7 });
  });

  it('answers 400 naming the field for negative stock, and 404 for an unknown sku', async () => {
    const bad = await request('PUT', url('/stock/kiwi'), { available: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([{ field: 'body.available', message: 'must be >= 0' }]);
    expect((await request('GET', url('/stock/dragonfruit'))).status).toBe(404);
    const text = await request('PUT', url('/stock/kiwi'), { available: '7' });
    expect(text.json.fields).toEqual([{ field: 'body.available', message: 'must be integer' }]);
    expect((await request('GET', url('/stock/a%00b'))).json.fields[0].field).toBe('params.sku');
  });

  it('lets only an operator set stock: 401 problem details without a token, 403 for a customer', async () => {
    const anonymous = await request('PUT', url('/stock/kiwi'), { available: 1_000_000 }, { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const customer = await request('PUT', url('/stock/kiwi'), { available: 1_000_000 }, { token: await testIssuer().token('mallory') });
    expect(customer.status).toBe(403);
    expect(customer.json).toMatchObject({ code: 'FORBIDDEN' });
    expect((await request('GET', url('/stock/kiwi'))).json.available).not.toBe(1_000_000);
    const doc = (await request('GET', url('/openapi.json'))).json;
    expect(Object.keys(doc.paths['/stock/{sku}'].put.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
  });

  it('answers 404 for the reservation of an order it never saw', async () => {
    expect((await request('GET', url('/reservations/00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });
});
