import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ServerStartError } from '../errors.ts';
import { requireFreePort } from '../ports.ts';
import { commandLine, isAlive, type Log, logTail, type ProcessState, readPid, sleep, waitFor } from '../system.ts';

/** A server binary we run detached, with its pid file and log under its own folder. */
export interface DaemonSpec {
  name: string;
  bin: string;
  args: string[];
  dir: string;
  port: number;
  /** The variable that sets the port, named in the error when it is taken. */
  portVariable: string;
  /** A file on the command line only this daemon has: tells our process from a reused pid. */
  marker: string;
  /** Answers 200 once the server is ready. */
  readyUrl: string;
}

const pidFile = (spec: DaemonSpec) => path.join(spec.dir, `${spec.name}.pid`);
export const daemonLog = (spec: DaemonSpec) => path.join(spec.dir, `${spec.name}.log`);

export function daemonState(spec: DaemonSpec): ProcessState {
  const pid = readPid(pidFile(spec));
  const running = pid !== undefined && isAlive(pid) && (commandLine(pid) ?? '').includes(spec.marker);
  return running ? { running, pid, port: spec.port } : { running: false, port: spec.port };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/** Starts the daemon detached (it outlives this command) and waits until it answers; already running is fine. */
export async function startDaemon(spec: DaemonSpec, log: Log, readyTimeoutMs = 30_000): Promise<ProcessState> {
  const before = daemonState(spec);
  if (before.running) {
    log(`${spec.name}: already running (pid ${before.pid}, port ${spec.port})`);
    return before;
  }
  await requireFreePort('127.0.0.1', spec.port, spec.portVariable);
  mkdirSync(spec.dir, { recursive: true });
  log(`${spec.name}: starting on 127.0.0.1:${spec.port}`);
  const out = openSync(daemonLog(spec), 'a');
  const child = spawn(spec.bin, spec.args, { cwd: spec.dir, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new ServerStartError(`Could not start ${spec.bin}`);
  child.unref();
  writeFileSync(pidFile(spec), `${pid}\n`);
  await waitFor(
    async () => {
      if (!isAlive(pid)) throw new ServerStartError(`${spec.name} exited while starting.${logTail(daemonLog(spec))}`);
      return (await answers(spec.readyUrl)) ? true : undefined;
    },
    readyTimeoutMs,
    () => new ServerStartError(`${spec.name} (pid ${pid}) was not ready at ${spec.readyUrl} within ${readyTimeoutMs / 1000} s.${logTail(daemonLog(spec))}`),
    250,
  );
  log(`${spec.name}: ready (pid ${pid}) at http://127.0.0.1:${spec.port}`);
  return { running: true, pid, port: spec.port };
}

/** SIGTERM, then SIGKILL after a timeout; not running is fine. */
export async function stopDaemon(spec: DaemonSpec, log: Log, timeoutMs = 15_000): Promise<void> {
  const state = daemonState(spec);
  if (state.running && state.pid !== undefined) {
    const pid = state.pid;
    log(`${spec.name}: stopping (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
    log(`${spec.name}: stopped`);
  }
  rmSync(pidFile(spec), { force: true });
}
