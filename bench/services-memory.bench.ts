/**
 * Resident memory of each service at rest: all catalog services started against the real
 * PostgreSQL and Kafka (as the tests do), one saga to warm them, then 10 s idle, then VmRSS read
 * from /proc. Budget: under 120 MB each, with metrics on: scraped every 2 s through the idle
 * time as Prometheus would (each scrape reads the consumer lag from the brokers, the outbox, the
 * open orders and the pool). The same run measures the bundle left unscraped (metrics off: none of
 * the scrape-time collectors runs, no lag client is opened), and the services run from source
 * under Node's type stripping, the way they would run without the bundle.
 * Run: npm run bench:services  → prints a table and writes bench/results/services-memory.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { orderReaches, request, TestSystem } from '@msa/system-tests';

const BUDGET_MB = 120;

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

async function atRest(fromSource: boolean, scraped: boolean): Promise<Record<string, number>> {
  const system = await TestSystem.start({ fromSource });
  try {
    const placed = await request('POST', `${system.url('order')}/orders`, { items: [{ sku: 'apple', quantity: 1 }], address: '1 Main Street' });
    // The warm-up saga.
    await orderReaches(system.url('order'), placed.json.id, 'CONFIRMED');
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      if (scraped) await Promise.all([...system.ports.keys()].map((s) => fetch(`${system.url(s)}/metrics`).then((r) => r.text())));
      await new Promise((r) => setTimeout(r, scraped ? 2_000 : until - Date.now()));
    }
    return Object.fromEntries([...system.processes.values()].map((p) => [p.name, rssMb(p.child.pid!)]));
  } finally {
    await system.close();
  }
}

const bundle = await atRest(false, true);
const unscraped = await atRest(false, false);
const source = await atRest(true, true);
const rows = Object.keys(bundle)
  .sort()
  .map((service) => ({
    service,
    rssMb: bundle[service]!,
    unscrapedRssMb: unscraped[service]!,
    fromSourceRssMb: source[service]!,
    ratio: Math.round((bundle[service]! / source[service]!) * 100) / 100,
    budgetMb: BUDGET_MB,
  }));
console.log('service     bundle      unscraped   from source   ratio   budget');
for (const r of rows) {
  console.log(
    `${r.service.padEnd(11)} ${`${r.rssMb} MB`.padEnd(11)} ${`${r.unscrapedRssMb} MB`.padEnd(11)} ${`${r.fromSourceRssMb} MB`.padEnd(13)} ${String(r.ratio).padEnd(7)} ${r.budgetMb} MB ${r.rssMb < BUDGET_MB ? 'ok' : 'OVER'}`,
  );
}
const out = path.resolve(import.meta.dirname, 'results/services-memory.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, services: rows }, null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
if (rows.some((r) => r.rssMb >= BUDGET_MB)) process.exitCode = 1;
