import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import type { ServersConfig } from '../config.ts';
import { ServerStartError } from '../errors.ts';
import { requireFreePort } from '../ports.ts';
import { commandLine, isAlive, type Log, logTail, type ProcessState, readPid, sleep, waitFor } from '../system.ts';
import { installJaeger, jaegerBinary } from './install.ts';
import { jaegerSettings } from './settings.ts';

const readyTimeoutMs = 60_000;
const stopTimeoutMs = 10_000;

export function jaegerState(config: ServersConfig): ProcessState {
  const pid = readPid(config.jaeger.pidFile);
  // The pid can be reused once Jaeger is gone: it is ours only if it runs our config file.
  const running = pid !== undefined && isAlive(pid) && (commandLine(pid) ?? '').includes(config.jaeger.configFile);
  return running ? { running, pid, port: config.jaeger.queryPort } : { running: false, port: config.jaeger.queryPort };
}

/** True once the query API answers (the receiver starts before it). */
async function queryAnswers(config: ServersConfig): Promise<boolean> {
  try {
    const res = await fetch(`http://${config.host}:${config.jaeger.queryPort}/api/services`, { signal: AbortSignal.timeout(1_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts Jaeger detached (building it first if needed) and waits until its query API answers. */
export async function startJaeger(config: ServersConfig, log: Log): Promise<ProcessState> {
  const before = jaegerState(config);
  if (before.running) {
    log(`jaeger: already running (pid ${before.pid}, query ${config.host}:${config.jaeger.queryPort})`);
    return before;
  }
  const j = config.jaeger;
  await requireFreePort(config.host, j.otlpPort, 'MSA_JAEGER_OTLP_PORT');
  await requireFreePort(config.host, j.queryPort, 'MSA_JAEGER_QUERY_PORT');
  await requireFreePort(config.host, j.grpcPort, 'MSA_JAEGER_GRPC_PORT');
  await installJaeger(config, log);
  mkdirSync(j.dir, { recursive: true });
  writeFileSync(j.configFile, jaegerSettings(config));
  log(`jaeger: starting (OTLP http ${config.host}:${j.otlpPort}, UI and query API http://${config.host}:${j.queryPort})`);
  const out = openSync(j.logFile, 'a');
  // Its own session: the store outlives this command and ignores the terminal's Ctrl-C.
  const child = spawn(jaegerBinary(config), ['--config', j.configFile], { cwd: j.dir, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new ServerStartError(`Could not start ${jaegerBinary(config)}`);
  child.unref();
  writeFileSync(j.pidFile, `${pid}\n`);
  await waitFor(
    async () => {
      if (!isAlive(pid)) throw new ServerStartError(`Jaeger exited while starting.${logTail(j.logFile)}`);
      return (await queryAnswers(config)) ? true : undefined;
    },
    readyTimeoutMs,
    () => new ServerStartError(`Jaeger (pid ${pid}) did not answer on port ${j.queryPort} within ${readyTimeoutMs / 1000} s.${logTail(j.logFile)}`),
    250,
  );
  log(`jaeger: ready (pid ${pid})`);
  return { running: true, pid, port: j.queryPort };
}

/** SIGTERM, then SIGKILL after a timeout; not running is fine. Its spans live in memory and go with it. */
export async function stopJaeger(config: ServersConfig, log: Log): Promise<void> {
  const state = jaegerState(config);
  if (state.running && state.pid !== undefined) {
    const pid = state.pid;
    log(`jaeger: stopping (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + stopTimeoutMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
    log('jaeger: stopped');
  } else log('jaeger: not running');
  rmSync(config.jaeger.pidFile, { force: true });
}
