/**
 * What tracing costs, in one run: the saga services with tracing off and on (spans to a real Jaeger
 * on free ports, default sampling: every trace), in alternating rounds (off, on, off, on) so the
 * shared machine's drift hits both alike. Each round: start the three services, one warm saga, 10 s
 * idle, then each service's resident memory (budget: under 120 MB); then a load above what one replica
 * each completes, held for --duration s, for sagas completed/s and the services' CPU per saga.
 * Budget: throughput with tracing on at least 90% of off.
 * Run: npm run bench:tracing [-- --rate 60 --duration 20 --rounds 2]
 *   → prints a table and writes bench/results/tracing.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { connectionSettings, loadConfig, startJaeger, stopJaeger } from '@msa/local-servers';
import { buildService } from '@msa/service-kit/build';
import { freePort, orderReaches, request } from '@msa/system-tests';
import { round } from './saga/stats.ts';
import { runRates } from './saga/steps.ts';
import { startSaga } from './saga/targets.ts';
import { SagaTracker } from './saga/tracker.ts';

const MEMORY_BUDGET_MB = 120;
const MIN_THROUGHPUT_RATIO = 0.9;
const SERVICES = ['delivery', 'inventory', 'order'];

const { values } = parseArgs({ options: { rate: { type: 'string' }, duration: { type: 'string' }, rounds: { type: 'string' } } });
const rate = Number(values.rate ?? 60);
const durationS = Number(values.duration ?? 20);
const rounds = Number(values.rounds ?? 2);
const root = findRepoRoot(import.meta.dirname);
const servers = connectionSettings();
const log = (line: string) => console.log(line);

for (const s of loadCatalog(root).services) await buildService(path.join(root, 'apps', s.name));

const rssMb = (pid: number) => round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024, 1);

interface Round {
  tracing: 'off' | 'on';
  idleRssMb: Record<string, number>;
  completedPerSec: number;
  servicesCpuPercent: number;
  cpuMsPerSaga: number;
  e2eP50Ms: number;
}

async function round1(tracing: 'off' | 'on', otlpEndpoint: string): Promise<Round> {
  const tracker = new SagaTracker();
  const serviceEnv: Record<string, string> = tracing === 'on' ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint } : {};
  const target = await startSaga({ replicas: 1, skus: 100, serviceEnv, onFinal: (id, f) => tracker.final(id, f) });
  try {
    const orderUrl = target.urls[0]!;
    const placed = await request('POST', `${orderUrl}/orders`, { items: [{ sku: 'bench-1', quantity: 1 }], address: '1 Warm Street' });
    await orderReaches(orderUrl, placed.json.id, 'CONFIRMED');
    await new Promise((r) => setTimeout(r, 10_000));
    const idleRssMb = Object.fromEntries([...target.pids].map(([name, pid]) => [name, rssMb(pid)]));
    const settings = { rates: [rate], durationS, drainS: 15, warmupS: 2, skus: 100, connections: 32, maxInFlight: 256, keepGoing: true, superuserUrl: servers.postgres.url };
    const [r] = await runRates(target, tracker, settings, () => {});
    const cpu = r!.processes.filter((p) => SERVICES.includes(p.name)).reduce((sum, p) => sum + p.cpuPercent, 0);
    const result: Round = {
      tracing,
      idleRssMb,
      completedPerSec: r!.completedPerSec,
      servicesCpuPercent: round(cpu, 1),
      // CPU % of a core over the step, as milliseconds of CPU for each saga completed.
      cpuMsPerSaga: r!.completedPerSec > 0 ? round((cpu * 10) / r!.completedPerSec, 1) : NaN,
      e2eP50Ms: r!.endToEndMs.p50,
    };
    log(`tracing ${tracing}: idle RSS ${SERVICES.map((s) => `${s} ${idleRssMb[s]} MB`).join(', ')}; ${result.completedPerSec} sagas/s completed at ${rate}/s offered, services CPU ${result.servicesCpuPercent}% (${result.cpuMsPerSaga} ms/saga)`);
    return result;
  } finally {
    await target.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'msa-bench-traces-'));
const store = loadConfig({ ...process.env, MSA_LOCAL_DIR: dir, MSA_JAEGER_OTLP_PORT: String(await freePort()), MSA_JAEGER_QUERY_PORT: String(await freePort()), MSA_JAEGER_GRPC_PORT: String(await freePort()) });
await startJaeger(store, log);
const results: Round[] = [];
try {
  for (let i = 0; i < rounds; i++) for (const tracing of ['off', 'on'] as const) results.push(await round1(tracing, connectionSettings(store).tracing!.otlpEndpoint));
} finally {
  await stopJaeger(store, () => {});
  rmSync(dir, { recursive: true, force: true });
}

const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 1);
const of = (t: 'off' | 'on') => results.filter((r) => r.tracing === t);
const summary = Object.fromEntries(
  (['off', 'on'] as const).map((t) => [
    t,
    {
      idleRssMb: Object.fromEntries(SERVICES.map((s) => [s, Math.max(...of(t).map((r) => r.idleRssMb[s]!))])),
      completedPerSec: mean(of(t).map((r) => r.completedPerSec)),
      cpuMsPerSaga: mean(of(t).map((r) => r.cpuMsPerSaga)),
    },
  ]),
) as Record<'off' | 'on', { idleRssMb: Record<string, number>; completedPerSec: number; cpuMsPerSaga: number }>;
const throughputRatio = round(summary.on.completedPerSec / summary.off.completedPerSec, 2);
const cpuRatio = round(summary.on.cpuMsPerSaga / summary.off.cpuMsPerSaga, 2);

log('');
log(`tracing   ${SERVICES.map((s) => `${s} idle RSS`.padEnd(20)).join('')}sagas/s   CPU ms/saga`);
for (const t of ['off', 'on'] as const) {
  log(`${t.padEnd(10)}${SERVICES.map((s) => `${summary[t].idleRssMb[s]} MB`.padEnd(20)).join('')}${String(summary[t].completedPerSec).padEnd(10)}${summary[t].cpuMsPerSaga}`);
}
const memoryOk = SERVICES.every((s) => summary.on.idleRssMb[s]! < MEMORY_BUDGET_MB);
log(`on/off: throughput ${throughputRatio} (budget >= ${MIN_THROUGHPUT_RATIO}), CPU per saga ${cpuRatio}; idle RSS with tracing ${memoryOk ? 'under' : 'OVER'} ${MEMORY_BUDGET_MB} MB`);

const out = path.resolve(import.meta.dirname, 'results/tracing.json');
mkdirSync(path.dirname(out), { recursive: true });
const machine = { cores: os.cpus().length, loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)) };
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, machine, offeredPerSec: rate, durationS, summary, throughputRatio, cpuRatio, rounds: results }, null, 2) + '\n');
log(`wrote ${path.relative(process.cwd(), out)}`);
if (!memoryOk || throughputRatio < MIN_THROUGHPUT_RATIO) process.exitCode = 1;
