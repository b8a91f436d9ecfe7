import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, TestSystem } from '@msa/system-tests';

let system: TestSystem;
const url = (path: string) => `${system.url('delivery')}${path}`;

beforeAll(async () => {
  system = await TestSystem.start({ only: ['delivery'] });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('the delivery HTTP API', () => {
  it('quotes a fee for an address', async () => {
    const res = await request('GET', url('/quotes?address=1%20Main%20Street'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ address: '1 Main Street', currency: 'EUR', fee: expect.any(Number) });
  });

  it('answers 400 naming the query field when the address is missing', async () => {
    const res = await request('GET', url('/quotes'));
    expect(res.status).toBe(400);
    expect(res.json.fields).toEqual([{ field: 'querystring.address', message: "must have required property 'address'" }]);
  });

  it('refuses an address the stores cannot hold (a NUL) or given twice, naming the query field', async () => {
    const nul = await request('GET', url('/quotes?address=a%00b'));
    expect(nul.status).toBe(400);
    expect(nul.json.fields[0].field).toBe('querystring.address');
    expect((await request('GET', url('/quotes?address=a&address=b'))).json.fields[0].field).toBe('querystring.address');
  });

  it('answers 405 with Allow for a method /quotes does not take', async () => {
    const res = await request('POST', url('/quotes'), {});
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 404 for the delivery of an unknown order', async () => {
    expect((await request('GET', url('/deliveries/00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('refuses to start with an invalid setting, naming the variable', async () => {
    await system.stopService('delivery');
    await expect(system.startService('delivery', { UNDELIVERABLE_PATTERN: '(' })).rejects.toThrow(/exited with 1/);
    const log = await import('node:fs/promises').then((fs) => fs.readFile(`${system.logDir}/delivery.log`, 'utf8'));
    expect(log).toContain('UNDELIVERABLE_PATTERN: a valid regular expression');
  });
});
