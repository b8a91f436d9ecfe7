/**
 * Resident memory of each service at rest: all catalog services started against the real
 * PostgreSQL and Kafka (as the tests do), a few requests and one saga to warm them, then
 * 10 s idle, then VmRSS read from /proc. Budget: under 120 MB each.
 * Run: npm run bench:services  → prints a table and writes bench/results/services-memory.json.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { eventually, request, TestSystem } from '@msa/system-tests';

const BUDGET_MB = 120;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

const system = await TestSystem.start();
try {
  const placed = await request('POST', `${system.url('order')}/orders`, { items: [{ sku: 'apple', quantity: 1 }], address: '1 Main Street' });
  await eventually('the warm-up saga', async () => {
    const { json } = await request('GET', `${system.url('order')}/orders/${placed.json.id}`);
    return json.status === 'CONFIRMED' ? true : undefined;
  });
  await new Promise((r) => setTimeout(r, 10_000));
  const rows = [...system.processes.values()].map((p) => ({ service: p.name, rssMb: rssMb(p.child.pid!), budgetMb: BUDGET_MB }));
  console.log('service     RSS at rest   budget');
  for (const r of rows) console.log(`${r.service.padEnd(11)} ${`${r.rssMb} MB`.padEnd(13)} ${r.budgetMb} MB ${r.rssMb < BUDGET_MB ? 'ok' : 'OVER'}`);
  const out = path.resolve(import.meta.dirname, 'results/services-memory.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, services: rows }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
  if (rows.some((r) => r.rssMb >= BUDGET_MB)) process.exitCode = 1;
} finally {
  await system.close();
}
