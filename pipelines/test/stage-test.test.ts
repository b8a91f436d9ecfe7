import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testIssuer } from '@msa/service-kit/dev-issuer';
import { TestSystem } from '@msa/system-tests';
import { buildCommand } from '../src/commands/build.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { promoteCommand } from '../src/commands/promote.ts';
import { stageTestCommand } from '../src/commands/stage-test.ts';
import { runSagaPaths, SAGA_PATHS } from '../src/stage-test/saga-paths.ts';
import { stateOf, useStackFixtures } from './support/stack-fixture.ts';

describe('the stage tests against the real services (the contract with what they test)', { timeout: 180_000 }, () => {
  let system: TestSystem | undefined;
  beforeAll(async () => {
    system = await TestSystem.start();
  }, 180_000);
  afterAll(async () => {
    await system?.close();
  });

  // As a signed-in customer without the operator role: the services the system starts trust the tests' issuer.
  const customer = async () => ({ baseUrl: system!.url('order'), headers: { authorization: bearer(await testIssuer().token('stage-test')) } });

  it('confirm, reject and cancel (with compensation) an order through the public API alone, each timed', async () => {
    const results = await runSagaPaths(await customer(), 60_000);
    expect(results.map((r) => [r.path, r.ok])).toEqual([
      ['confirmed', true],
      ['rejected', true],
      ['cancelled', true],
    ]);
    for (const r of results) {
      expect(r.detail).toMatch(new RegExp(`^order [0-9a-f-]{36} ${SAGA_PATHS.find((p) => p.name === r.path)!.status}`));
      expect(r.ms).toBeGreaterThan(0);
    }
  });

  it('fail, naming the path and what the order showed, when the saga does not end as it should', async () => {
    // Inventory is away: nothing reserves or rejects, so no order reaches its end within the time allowed.
    await system!.stopService('inventory');
    try {
      const results = await runSagaPaths(await customer(), 3_000);
      expect(results.every((r) => !r.ok)).toBe(true);
      expect(results[0]!.detail).toMatch(/^order [0-9a-f-]{36} is PENDING after \d+ ms, not CONFIRMED \(history: OrderPlaced\)$/);
    } finally {
      await system!.startService('inventory', {}, 'ok');
    }
  });
});

const { fixture } = useStackFixtures();

describe('stage-test: recorded with the stack, so promotion moves only what passed them', { timeout: 180_000 }, () => {
  it("refuses to promote a release whose stage's tests failed, with the test's word for it", async () => {
    const f = fixture();
    f.repo.write('apps/order/service.yaml', `${f.repo.read('apps/order/service.yaml')}public: true\nhttp:\n  publicPaths: [/orders]\n`);
    f.repo.commit('order is the public API');
    await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    // The fixture's endpoints answer health checks only: POST /orders is not the order API.
    await expect(stageTestCommand(f.ctx, { env: 'dev', timeoutMs: 2_000, headers: { authorization: 'Bearer fixture' } })).rejects.toThrow(/Stage tests in dev failed: confirmed: POST \/orders answered 200/);
    expect((await stateOf(f, 'dev')).records.at(-1)).toMatchObject({ service: 'order', kind: 'test', result: 'failed' });
    expect(f.logs.join('\n')).toMatch(/│ confirmed +│ FAILED +│ \d+\.\d\d +│/);
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' })).rejects.toThrow(/never passed in dev/);
  });
});
