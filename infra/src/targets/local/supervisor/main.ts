// The supervisor of one local service: keeps `replicas` processes of the service running.
//
// Replicas are node:cluster workers, so they share the service's one port (the primary accepts
// and hands connections out round-robin) and die with the supervisor (a worker exits when it
// loses its primary). A worker that exits is started again, with a growing pause when it keeps
// dying. SIGTERM stops the workers gracefully, then the supervisor.
import cluster, { type Worker } from 'node:cluster';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SupervisorSpec, SupervisorState } from './spec.ts';

const specFile = process.argv[2];
if (!specFile) {
  console.error('usage: node supervisor/main.ts <spec.json>');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as SupervisorSpec;
const log = (msg: string) => console.log(`${new Date().toISOString()} supervisor[${spec.service}] ${msg}`);

let stopping = false;
let restarts = 0;
const startedAt = new Map<number, number>();
const failures = new Map<number, number>();

cluster.setupPrimary({ exec: spec.entry, execArgv: spec.execArgv ?? [], cwd: spec.cwd, args: [] });

function writeState() {
  const state: SupervisorState = {
    pid: process.pid,
    service: spec.service,
    workers: Object.values(cluster.workers ?? {}).flatMap((w) => (w?.process.pid ? [w.process.pid] : [])),
    restarts,
    updatedAt: new Date().toISOString(),
  };
  writeFileSync(`${spec.stateFile}.tmp`, JSON.stringify(state));
  renameSync(`${spec.stateFile}.tmp`, spec.stateFile);
}

function startWorker(slot: number) {
  const worker: Worker = cluster.fork({ ...spec.env, REPLICA_INDEX: String(slot) });
  startedAt.set(slot, Date.now());
  worker.on('online', writeState);
  worker.on('exit', (code, signal) => {
    writeState();
    if (stopping) return;
    // A worker that ran a while had a one-off failure; one that dies at once gets a growing pause.
    const lived = Date.now() - (startedAt.get(slot) ?? 0);
    const streak = lived > 30_000 ? 0 : (failures.get(slot) ?? 0) + 1;
    failures.set(slot, streak);
    const pause = Math.min(30_000, streak <= 1 ? 250 : 500 * 2 ** (streak - 2));
    restarts += 1;
    log(`replica ${slot} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); restarting in ${pause} ms`);
    setTimeout(() => {
      if (!stopping) startWorker(slot);
    }, pause).unref();
  });
}

function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} replica(s)`);
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  for (const w of workers) w.process.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const w of workers) w.process.kill('SIGKILL');
    process.exit(0);
  }, 10_000);
  const waitAll = () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      clearTimeout(force);
      process.exit(0);
    }
  };
  cluster.on('exit', waitAll);
  waitAll();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
log(`starting ${spec.replicas} replica(s) of ${spec.entry} on port ${spec.env.PORT}`);
for (let slot = 0; slot < spec.replicas; slot++) startWorker(slot);
// The timers above are unref'd; this keeps the supervisor alive between restarts.
setInterval(writeState, 60_000);
