/**
 * Saga throughput against the machine's limit and a monolith, in one run.
 *   - limit: pgbench on the same PostgreSQL with the saga's transactions, and Kafka's own perf tools
 *     for the saga's messages (bench/saga/pgbench.ts, kafka-perf.ts);
 *   - monolith: the same work in one process and one transaction (bench/saga/monolith/server.ts);
 *   - saga: the real services (TestSystem), one replica each and then two, at rising offered rates.
 * Each rate: orders accepted/s, sagas completed/s, POST → final latency, POST latency, CPU and RSS of
 * every process, commits per saga. Writes bench/results/saga.{json,md,svg}.
 * Run: npm run bench:saga [-- --mode full] [-- --rates 50,100,200 --duration 30]
 * Every flag also reads SAGA_BENCH_<FLAG>; see bench/saga/options.ts. --profile: see bench/saga/profile.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { connectionSettings } from '@msa/local-servers';
import { newEnvelope } from '@msa/service-kit';
import { buildService } from '@msa/service-kit/build';
import { hopsOf, spread } from './saga/hops.ts';
import { kafkaLimit } from './saga/kafka-perf.ts';
import { parseOptions } from './saga/options.ts';
import { pgbenchLimit } from './saga/pgbench.ts';
import { loadAverage } from './saga/proc.ts';
import { profileRun } from './saga/profile.ts';
import { markdown, ratios, svg, type SagaResults, type TargetRun } from './saga/report.ts';
import { sagaShape } from './saga/saga-shape.ts';
import { runRates } from './saga/steps.ts';
import { startMonolith, startSaga, type Target } from './saga/targets.ts';
import { SagaTracker } from './saga/tracker.ts';

const opts = parseOptions(process.argv.slice(2));
const root = findRepoRoot(import.meta.dirname);
const catalog = loadCatalog(root);
const servers = connectionSettings();
const id = randomBytes(3).toString('hex');
const log = (line: string) => console.log(line);
const shape = sagaShape(catalog);
const loadAtStart = loadAverage();
log(`bench:saga ${opts.mode}: rates ${opts.rates.join(', ')}/s, ${opts.durationS} s each; load average ${loadAtStart.join(' / ')}`);

for (const s of catalog.services) await buildService(path.join(root, 'apps', s.name));

if (opts.profile) {
  await profileRun({ root, opts, log });
  process.exit(0);
}

const steps = { ...opts, superuserUrl: servers.postgres.url };
const runs: TargetRun[] = [];
const limit: SagaResults['limit'] = {};

async function measure(start: (tracker: SagaTracker) => Promise<Target>, replicas: number | null): Promise<void> {
  const tracker = new SagaTracker();
  const target = await start(tracker);
  log(`${target.name}: ${target.urls.length} entry point(s), processes ${[...target.pids.keys()].join(', ')}`);
  try {
    const rates = await runRates(target, tracker, steps, log);
    const run: TargetRun = { target: target.name, replicas, rates };
    if (target.getOrder && rates.length > 0) {
      // The observer stands in for GET /orders/:id: check a sample against the API, and time its hops.
      const sample = spread(tracker.completions.get(rates.length - 1) ?? [], 40);
      const views = [];
      for (const c of sample) views.push(await target.getOrder(c.id));
      run.hops = hopsOf(sample, views);
    }
    runs.push(run);
  } finally {
    await target.close();
  }
}

if (opts.only.has('limit')) {
  log('limit: pgbench with the saga transactions ...');
  limit.postgres = await pgbenchLimit({ root, superuserUrl: servers.postgres.url, skus: opts.skus, clients: opts.pgbenchClients, seconds: opts.pgbenchSeconds, id });
  log(`  PostgreSQL: ${limit.postgres.tps} TPS / ${limit.postgres.transactionsPerSaga} = ${limit.postgres.sagasPerSec} sagas/s`);
  const sample = newEnvelope('inventory', 'StockReserved', crypto.randomUUID(), { orderId: crypto.randomUUID(), items: [{ sku: 'bench-17', quantity: 1 }], address: '12345 Bench Street' });
  log('limit: Kafka producer and consumer perf tests ...');
  limit.kafka = await kafkaLimit({ root, brokers: servers.kafka.brokers, records: opts.kafkaRecords, recordSize: JSON.stringify(sample).length, shape, id });
  log(`  Kafka: ${limit.kafka.producedPerSec} produced/s, ${limit.kafka.consumedPerSec} consumed/s = ${limit.kafka.sagasPerSec} sagas/s`);
  // The services no longer send a pg_notify per outbox row (service-kit's outbox-signal.ts): their
  // database limit is the scripts without it. The figure with it stays in the results, for comparison.
  limit.sagasPerSec = Math.min(limit.postgres.withoutNotify.sagasPerSec, limit.kafka.sagasPerSec);
}
if (opts.only.has('monolith')) {
  await measure(() => startMonolith({ root, superuserUrl: servers.postgres.url, skus: opts.skus, id, logDir: path.join(root, '.local', 'test-logs', `bench-saga-${id}`) }), null);
}
if (opts.only.has('saga')) {
  for (const replicas of opts.replicas) {
    await measure((tracker) => startSaga({ replicas, skus: opts.skus, serviceEnv: opts.serviceEnv, onFinal: (oid, f) => tracker.final(oid, f) }), replicas);
  }
}

const results: SagaResults = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  mode: opts.mode,
  settings: { ...opts, only: [...opts.only] },
  machine: { cores: cpus().length, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAverage() },
  shape,
  limit,
  runs,
  ratios: ratios(runs, limit.sagasPerSec),
};
const out = path.resolve(root, opts.outDir);
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'saga.json'), JSON.stringify(results, null, 2) + '\n');
writeFileSync(path.join(out, 'saga.md'), markdown(results));
writeFileSync(path.join(out, 'saga.svg'), svg(results));
log('');
log(markdown(results));
log(`wrote ${path.relative(process.cwd(), path.join(out, 'saga.{json,md,svg}'))}`);
