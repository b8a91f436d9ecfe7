import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { TestSystem } from '@msa/system-tests';
import { smokeChecks, smokeTest } from '../src/smoke/smoke.ts';

const catalog = loadCatalog(findRepoRoot(import.meta.dirname));
const order = catalog.byName('order');
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ only: ['order', 'delivery'] });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('the smoke test', () => {
  it('probes health and readiness where the URL reaches the service itself', async () => {
    expect(smokeChecks(order, 'http://127.0.0.1:13101/').map((c) => c.url)).toEqual(['http://127.0.0.1:13101/healthz', 'http://127.0.0.1:13101/readyz']);
    const result = await smokeTest(order, system.url('order'), 10_000);
    expect(result.ok, result.detail).toBe(true);
  });

  it('through the public ingress (which routes no probe), asks the API anonymously and passes on 401 only', () => {
    const [check, ...more] = smokeChecks(order, 'https://api.example.com');
    expect(more).toEqual([]);
    expect(check!.url).toBe('https://api.example.com/orders/smoke-test');
    expect([200, 404, 502, 503].some((s) => check!.passes(s))).toBe(false);
    expect(check!.passes(401)).toBe(true);
  });

  it("asks the public check of the real service, which answers it 401 (contract between the plan and the service)", async () => {
    const [check] = smokeChecks(order, 'https://api.example.com');
    const res = await fetch(`${system.url('order')}${new URL(check!.url).pathname}`);
    expect(check!.passes(res.status)).toBe(true);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
