import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, TestSystem } from '@msa/system-tests';

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

  it('answers 404 for the reservation of an order it never saw', async () => {
    expect((await request('GET', url('/reservations/00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });
});
