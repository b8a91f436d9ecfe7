import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, TestSystem } from '@msa/system-tests';

/**
 * A service learns what the catalog says about it from its environment (catalog's serviceEnv), set
 * by whoever launches it: the version it runs among it, reported where operators look.
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ only: [] });
});
afterAll(async () => {
  await system?.close();
});

describe('the environment a launcher gives a service', () => {
  it('reports SERVICE_VERSION in its metrics and OpenAPI document', async () => {
    await system.startService('delivery', { SERVICE_VERSION: '7.7.7' });
    const metrics = (await request('GET', `${system.url('delivery')}/metrics`)).json as string;
    expect(metrics).toContain('service_info{version="7.7.7",service="delivery"} 1');
    expect((await request('GET', `${system.url('delivery')}/openapi.json`)).json.info.version).toBe('7.7.7');
  });

  it('refuses to start without the values the catalog resolves, naming each', async () => {
    await system.stopService('delivery');
    await expect(system.startService('delivery', { SERVICE_NAME: '', HEALTH_PATH: 'healthz' })).rejects.toThrow(/exited with 1/);
    const log = readFileSync(path.join(system.logDir, 'delivery.log'), 'utf8');
    expect(log).toMatch(/SERVICE_NAME: /);
    expect(log).toMatch(/HEALTH_PATH: an absolute path such as \/healthz/);
  });
});
