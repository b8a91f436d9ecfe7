import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createServiceDatabase, dropServiceDatabase, freePort, request, TestSystem, waitForOk } from '@msa/system-tests';
import type { OrderView } from './hops.ts';
import type { Final } from './tracker.ts';
import { observeOutcomes } from './observer.ts';

/** What the step runner drives and watches: URLs to POST orders to, processes, databases. */
export interface Target {
  name: string;
  urls: string[];
  /** Process name (e.g. order#2) → pid, for CPU and memory. */
  pids: Map<string, number>;
  /** Databases whose commits count as this target's work. */
  databases: string[];
  /** The monolith answers with the final status; the saga's outcome arrives on order.events. */
  finalInResponse: boolean;
  /** GET /orders/:id, for checking the observer against the API and timing the saga's hops. */
  getOrder?: (id: string) => Promise<OrderView | undefined>;
  close(): Promise<void>;
}

/** Seeds `skus` stock rows bench-0.. so orders never run out and spread their row locks. */
async function seedStock(inventoryUrl: string, skus: number): Promise<void> {
  for (let i = 0; i < skus; i++) {
    const res = await request('PUT', `${inventoryUrl}/stock/bench-${i}`, { available: 1_000_000 });
    if (res.status !== 200) throw new Error(`seeding stock bench-${i} failed: ${res.status} ${JSON.stringify(res.json)}`);
  }
}

/**
 * What the bench sets on every service unless --service-env says otherwise: the pool the profile
 * asked for. With the default 10 connections, requests and partition batches queued for a
 * connection on this loaded 2-core host (50/s: 38 completed/s with 10, 49/s with 30; README).
 */
export const SAGA_SERVICE_ENV: Record<string, string> = { DB_POOL_SIZE: '30' };

/**
 * Every catalog service as real processes (TestSystem), `replicas` of each: replica r of order
 * calls replica r of delivery for its fee quote; all replicas of a service share its database and
 * consumer group. `serviceEnv` applies tuning knobs (pool sizes, OUTBOX_POLL_MS...) to all.
 */
export async function startSaga(opts: {
  replicas: number;
  skus: number;
  serviceEnv: Record<string, string>;
  nodeOptions?: (service: string) => string | undefined;
  fromSource?: boolean;
  onFinal: (id: string, final: Final) => void;
}): Promise<Target> {
  const envFor = (service: string) => {
    const node = opts.nodeOptions?.(service);
    return { ...SAGA_SERVICE_ENV, ...opts.serviceEnv, ...(node ? { NODE_OPTIONS: node } : {}) };
  };
  const services = ['order', 'inventory', 'delivery'];
  const system = await TestSystem.start({ env: Object.fromEntries(services.map((s) => [s, envFor(s)])), fromSource: opts.fromSource });
  try {
    const deliveryUrls = [system.url('delivery')];
    const orderUrls = [system.url('order')];
    for (let r = 2; r <= opts.replicas; r++) {
      // Callees first: order's replica needs its delivery replica's URL.
      for (const service of ['delivery', 'inventory', 'order']) {
        const { proc } = await system.startReplica(service, service === 'order' ? { DELIVERY_URL: deliveryUrls[r - 1]! } : {});
        if (service === 'delivery') deliveryUrls.push(proc.url);
        if (service === 'order') orderUrls.push(proc.url);
      }
    }
    await seedStock(system.url('inventory'), opts.skus);
    const observer = await observeOutcomes(system.servers.kafka.brokers, `${system.prefix}order.events`, opts.onFinal);
    const pids = new Map<string, number>();
    for (const [key, p] of system.processes) pids.set(opts.replicas > 1 && !key.includes('#') ? `${key}#1` : key, p.child.pid!);
    return {
      name: opts.replicas === 1 ? 'saga, 1 replica each' : `saga, ${opts.replicas} replicas each`,
      urls: orderUrls,
      pids,
      databases: [...system.databases.values()].map((d) => d.name),
      finalInResponse: false,
      getOrder: async (id) => {
        const res = await request('GET', `${system.url('order')}/orders/${id}`);
        return res.status === 200 ? (res.json as OrderView) : undefined;
      },
      async close() {
        await observer.close();
        await system.close();
      },
    };
  } catch (error) {
    await system.close();
    throw error;
  }
}

/** The monolith (monolith/server.ts) as its own process on a database of its own. */
export async function startMonolith(opts: { root: string; superuserUrl: string; skus: number; id: string; logDir: string }): Promise<Target> {
  const db = await createServiceDatabase(opts.superuserUrl, `bench_saga_monolith_${opts.id}`);
  const port = await freePort();
  mkdirSync(opts.logDir, { recursive: true });
  const log = createWriteStream(path.join(opts.logDir, 'monolith.log'), { flags: 'a' });
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'monolith', 'server.ts')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATABASE_URL: db.url, SEED_SKUS: String(opts.skus) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    child.kill('SIGTERM');
    await exited;
    await dropServiceDatabase(opts.superuserUrl, db.name);
  };
  try {
    await waitForOk(`${url}/healthz`, 30_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { name: 'monolith', urls: [url], pids: new Map([['monolith', child.pid!]]), databases: [db.name], finalInResponse: true, close };
}
