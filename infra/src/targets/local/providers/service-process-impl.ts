import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { SupervisorSpec } from '../supervisor/spec.ts';

interface Inputs {
  service: string;
  entry: string;
  nodeArgs?: string[];
  native?: boolean;
  artifact?: string;
  cwd: string;
  port: number;
  replicas: number;
  version: string;
  env: Record<string, string>;
  readinessUrl: string;
  readinessTimeoutSeconds: number;
  runtimeDir: string;
}
interface Outputs extends Inputs {
  pid: number;
  logFile: string;
  stateFile: string;
}

const supervisorMain = fileURLToPath(new URL('../supervisor/main.ts', import.meta.url));

/** True when `pid` is alive and is this service's supervisor (pids are reused). */
export function isOurSupervisor(pid: number | undefined, specFile: string): boolean {
  if (!pid) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie (state Z) has exited already.
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    return cmdline.includes(supervisorMain) && cmdline.includes(specFile);
  } catch {
    return false;
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function logTail(logFile: string, lines = 30): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitReady(inputs: Inputs, pid: number, specFile: string, logFile: string) {
  const deadline = Date.now() + inputs.readinessTimeoutSeconds * 1000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isOurSupervisor(pid, specFile)) {
      throw new Error(`${inputs.service}: supervisor exited before the service was ready; log ${logFile}:\n${logTail(logFile)}`);
    }
    try {
      const res = await fetch(inputs.readinessUrl, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(
    `${inputs.service}: not ready at ${inputs.readinessUrl} after ${inputs.readinessTimeoutSeconds}s (${last}); log ${logFile}:\n${logTail(logFile)}`,
  );
}

async function stopSupervisor(pid: number | undefined, specFile: string) {
  if (!isOurSupervisor(pid, specFile) || !pid) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 150 && isOurSupervisor(pid, specFile); i++) await sleep(100);
  // Whatever is left of the process group (the supervisor and its replicas) goes now.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export async function check(_olds: Inputs, news: Inputs) {
  const failures = [];
  if (!Number.isInteger(news.replicas) || news.replicas < 1) failures.push({ property: 'replicas', reason: 'must be a whole number of at least 1' });
  if (news.entry && !existsSync(news.entry)) failures.push({ property: 'entry', reason: `${news.entry} does not exist` });
  return { inputs: news, failures };
}

export async function create(inputs: Inputs) {
  if (await portInUse(inputs.port)) {
    throw new Error(`${inputs.service}: port ${inputs.port} on 127.0.0.1 is already in use; pick another msa:local.portOffset`);
  }
  const dir = inputs.runtimeDir;
  mkdirSync(dir, { recursive: true });
  const specFile = path.join(dir, 'supervisor.json');
  const stateFile = path.join(dir, 'state.json');
  const logFile = path.join(dir, 'service.log');
  const spec: SupervisorSpec = {
    service: inputs.service,
    entry: inputs.entry,
    execArgv: inputs.nodeArgs ?? [],
    native: inputs.native ?? false,
    cwd: inputs.cwd,
    replicas: inputs.replicas,
    env: inputs.env,
    stateFile,
  };
  // The spec holds the database password: readable by this user only.
  writeFileSync(specFile, JSON.stringify(spec, null, 2), { mode: 0o600 });
  chmodSync(specFile, 0o600);
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [supervisorMain, specFile], {
    cwd: inputs.cwd,
    detached: true,
    stdio: ['ignore', log, log],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_OPTIONS: process.env.NODE_OPTIONS ?? '' },
  });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Error(`${inputs.service}: could not start its supervisor`);
  try {
    await waitReady(inputs, pid, specFile, logFile);
  } catch (err) {
    await stopSupervisor(pid, specFile);
    throw err;
  }
  const outs: Outputs = { ...inputs, pid, logFile, stateFile };
  return { id: `${inputs.service}@${inputs.port}`, outs };
}

const replaceKeys = ['service', 'entry', 'nodeArgs', 'native', 'artifact', 'cwd', 'port', 'replicas', 'version', 'env', 'readinessUrl', 'runtimeDir'] as const;

export async function diff(_id: string, olds: Outputs, news: Inputs) {
  const replaces: string[] = replaceKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
  // A supervisor that died since the last run is started again by this `up`.
  if (replaces.length === 0 && !isOurSupervisor(olds.pid, path.join(olds.runtimeDir, 'supervisor.json'))) replaces.push('pid');
  const changes = replaces.length > 0 || olds.readinessTimeoutSeconds !== news.readinessTimeoutSeconds;
  return { changes, replaces, deleteBeforeReplace: true };
}

export async function update(_id: string, olds: Outputs, news: Inputs) {
  return { outs: { ...olds, readinessTimeoutSeconds: news.readinessTimeoutSeconds } };
}

export async function read(id: string, props: Outputs) {
  const alive = isOurSupervisor(props.pid, path.join(props.runtimeDir, 'supervisor.json'));
  // Gone: refresh drops it from the state and the next `up` starts it again.
  return alive ? { id, props } : { id: '', props: {} };
}

export async function remove(_id: string, props: Outputs) {
  const specFile = path.join(props.runtimeDir, 'supervisor.json');
  await stopSupervisor(props.pid, specFile);
  rmSync(props.runtimeDir, { recursive: true, force: true });
  // The stack's folder goes with its last service.
  const stackDir = path.dirname(props.runtimeDir);
  try {
    if (readdirSync(stackDir).length === 0) rmdirSync(stackDir);
  } catch {
    // already gone
  }
}
