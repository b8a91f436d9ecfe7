import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, loadConfig, startPostgres, stopPostgres, type ServersConfig } from '@msa/local-servers';
import { eventually, freePort, request, TestSystem } from '../src/index.ts';

// A PostgreSQL of this test's own, so restarting it disturbs no other test.
let config: ServersConfig;
let dir: string;
let system: TestSystem;
const log = () => undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FINAL = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED']);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'msa-pg-'));
  config = loadConfig({ ...process.env, MSA_LOCAL_DIR: dir, MSA_PG_PORT: String(await freePort()) });
  await startPostgres(config, log);
  const shared = connectionSettings();
  system = await TestSystem.start({ servers: { postgres: connectionSettings(config).postgres, kafka: shared.kafka } });
}, 180_000);

afterAll(async () => {
  await system?.close();
  await stopPostgres(config, log);
  rmSync(dir, { recursive: true, force: true });
});

describe('services when PostgreSQL restarts', () => {
  it('no process dies while PostgreSQL is stopped (fast shutdown: 57P01) for 15 s and started again, and every accepted order completes', async () => {
    await request('PUT', `${system.url('inventory')}/stock/pear`, { available: 500 });
    const accepted: string[] = [];
    let flowing = true;
    const orders = (async () => {
      while (flowing) {
        const res = await request('POST', `${system.url('order')}/orders`, { items: [{ sku: 'pear', quantity: 1 }], address: '7 Pear Street' }).catch(() => undefined);
        if (res?.status === 201) accepted.push(res.json.id);
        await sleep(200);
      }
    })();
    await sleep(3_000);
    await stopPostgres(config, log);
    await sleep(15_000);
    await startPostgres(config, log);
    await sleep(5_000);
    flowing = false;
    await orders;

    for (const [name, proc] of system.processes) {
      expect(proc.child.exitCode, `${name} exited`).toBeNull();
      expect(proc.child.signalCode, `${name} was killed`).toBeNull();
    }
    expect(accepted.length).toBeGreaterThan(10);
    await eventually(
      `all ${accepted.length} accepted orders to be final`,
      async () => {
        for (const id of accepted) {
          const { json } = await request('GET', `${system.url('order')}/orders/${id}`);
          if (!FINAL.has(json.status)) throw new Error(`${id} is ${json.status}`);
          expect(json.status).toBe('CONFIRMED');
        }
        return true;
      },
      90_000,
    );
    expect((await request('GET', `${system.url('inventory')}/stock/pear`)).json.available).toBe(500 - accepted.length);
  }, 240_000);
});
