// The supervisor of one local service: keeps `replicas` processes of the service running.
//
// Replicas of a Node.js service are node:cluster workers, so they share the service's one port
// (the primary accepts and hands connections out round-robin) and die with the supervisor (a
// worker exits when it loses its primary). Replicas of a native program (a Go binary) are child
// processes told REUSE_PORT=1, so each binds the one port with SO_REUSEPORT and the kernel spreads
// connections; they are in the supervisor's process group, so stopping the group stops them. A worker that exits is started again, with a growing pause when it keeps
// dying. SIGTERM stops the workers gracefully, then the supervisor.
import { spawn } from 'node:child_process';
import cluster from 'node:cluster';
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

if (!spec.native) cluster.setupPrimary({ exec: spec.entry, execArgv: spec.execArgv ?? [], cwd: spec.cwd, args: [] });

/** One replica, however it runs. */
interface Replica {
  pid: number | undefined;
  kill(signal: NodeJS.Signals): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
}
const replicas = new Map<number, Replica>();

function launch(slot: number): Replica {
  const env = { ...spec.env, REPLICA_INDEX: String(slot) };
  if (!spec.native) {
    const worker = cluster.fork(env);
    worker.on('online', writeState);
    return { pid: worker.process.pid, kill: (sig) => worker.process.kill(sig), onExit: (l) => worker.on('exit', l) };
  }
  const child = spawn(spec.entry, spec.execArgv ?? [], { cwd: spec.cwd, env: { ...env, REUSE_PORT: '1' }, stdio: 'inherit' });
  return { pid: child.pid, kill: (sig) => child.kill(sig), onExit: (l) => child.on('exit', l) };
}

function writeState() {
  const state: SupervisorState = {
    pid: process.pid,
    service: spec.service,
    workers: [...replicas.values()].flatMap((r) => (r.pid ? [r.pid] : [])),
    restarts,
    updatedAt: new Date().toISOString(),
  };
  writeFileSync(`${spec.stateFile}.tmp`, JSON.stringify(state));
  renameSync(`${spec.stateFile}.tmp`, spec.stateFile);
}

function startWorker(slot: number) {
  const worker = launch(slot);
  replicas.set(slot, worker);
  startedAt.set(slot, Date.now());
  writeState();
  worker.onExit((code, signal) => {
    replicas.delete(slot);
    writeState();
    if (stopping) return;
    // A worker that ran a while had a one-off failure; one that dies at once gets a growing pause.
    const lived = Date.now() - (startedAt.get(slot) ?? 0);
    const streak = lived > 30_000 ? 0 : (failures.get(slot) ?? 0) + 1;
    failures.set(slot, streak);
    const pause = Math.min(30_000, streak <= 1 ? 250 : 500 * 2 ** (streak - 2));
    restarts += 1;
    log(`replica ${slot} (pid ${worker.pid}) exited (${signal ?? `code ${code}`}); restarting in ${pause} ms`);
    setTimeout(() => {
      if (!stopping) startWorker(slot);
    }, pause).unref();
  });
}

function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping ${replicas.size} replica(s)`);
  const workers = [...replicas.values()];
  for (const w of workers) w.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const w of workers) w.kill('SIGKILL');
    process.exit(0);
  }, 10_000);
  const waitAll = () => {
    if (replicas.size === 0) {
      clearTimeout(force);
      process.exit(0);
    }
  };
  for (const w of workers) w.onExit(() => setImmediate(waitAll));
  waitAll();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
log(`starting ${spec.replicas} replica(s) of ${spec.entry} on port ${spec.env.PORT}`);
for (let slot = 0; slot < spec.replicas; slot++) startWorker(slot);
// The timers above are unref'd; this keeps the supervisor alive between restarts.
setInterval(writeState, 60_000);
