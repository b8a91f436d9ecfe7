import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createClient } from 'redis';
import { which } from 'zx';
import type { ServersConfig } from '../config.ts';
import { PrerequisiteError, ServerStartError } from '../errors.ts';
import { requireFreePort } from '../ports.ts';
import { commandLine, isAlive, type Log, logTail, type ProcessState, readPid, waitFor } from '../system.ts';

/**
 * Redis for the services whose catalog entry says `store: {engine: redis}`: Debian's redis-server
 * (tools/redis/install-redis.sh installs it), on 127.0.0.1 and the port from config, with a
 * password for its admin user made on first start and kept beside its data (mode 0600). Each
 * service then gets an ACL user of its own that may touch only its own keys (provision.ts).
 */
export function redisPassword(config: ServersConfig): string | undefined {
  return existsSync(config.redis.passwordFile) ? readFileSync(config.redis.passwordFile, 'utf8').trim() : undefined;
}

export function redisState(config: ServersConfig): ProcessState {
  const pid = readPid(config.redis.pidFile);
  const running = pid !== undefined && isAlive(pid) && (commandLine(pid) ?? '').includes('redis-server');
  return { running, ...(running ? { pid } : {}), port: config.redis.port };
}

export async function startRedis(config: ServersConfig, log: Log): Promise<ProcessState> {
  const r = config.redis;
  const running = redisState(config);
  if (running.running) {
    log(`redis: already running (pid ${running.pid}, port ${r.port})`);
    return running;
  }
  const bin = await which('redis-server', { nothrow: true });
  if (!bin) throw new PrerequisiteError("redis-server is not installed: run `bash tools/redis/install-redis.sh` (Debian's redis-server package)");
  await requireFreePort(config.host, r.port, 'MSA_REDIS_PORT');
  mkdirSync(r.dataDir, { recursive: true });
  if (!existsSync(r.passwordFile)) writeFileSync(r.passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const password = redisPassword(config)!;
  // Users live in an ACL file beside the data (0600), so the services' users (provision.ts saves
  // them there) outlive a restart as PostgreSQL's roles do; the admin user is written on first start.
  // Passwords never go on the command line, where ps would show them.
  const aclFile = `${r.dataDir}/users.acl`;
  if (!existsSync(aclFile)) writeFileSync(aclFile, `user default on >${password} ~* &* +@all\n`, { mode: 0o600 });
  writeFileSync(
    r.confFile,
    [
      `bind ${config.host}`, `port ${r.port}`, 'protected-mode yes', 'daemonize yes', `pidfile ${r.pidFile}`,
      `logfile ${r.logFile}`, `dir ${r.dataDir}`, 'appendonly yes', 'appendfsync everysec',
      `aclfile ${aclFile}`,
    ].join('\n') + '\n',
    { mode: 0o600 },
  );
  log(`redis: starting on ${config.host}:${r.port}`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, [r.confFile], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new ServerStartError(`redis-server exited with ${code}; ${logTail(r.logFile)}`))));
  });
  await waitFor(async () => ((await ping(config)) ? true : undefined), 20_000, () => new ServerStartError(`redis did not answer on ${config.host}:${r.port} within 20 s; ${logTail(r.logFile)}`));
  const state = redisState(config);
  log(`redis: ready (pid ${state.pid})`);
  return state;
}

export async function stopRedis(config: ServersConfig, log: Log): Promise<void> {
  const state = redisState(config);
  if (!state.running || state.pid === undefined) {
    log('redis: not running');
    return;
  }
  log(`redis: stopping (pid ${state.pid})`);
  process.kill(state.pid, 'SIGTERM');
  await waitFor(() => (isAlive(state.pid!) ? undefined : true), 20_000, () => new ServerStartError(`redis (pid ${state.pid}) did not stop within 20 s`));
}

async function ping(config: ServersConfig): Promise<boolean> {
  const client = createClient({ url: redisAdminUrl(config), socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    if (client.isOpen) await client.close();
  }
}

/** The admin user's URL: for provisioning service users, never given to a service. */
export function redisAdminUrl(config: ServersConfig): string {
  return `redis://default:${encodeURIComponent(redisPassword(config) ?? '')}@${config.host}:${config.redis.port}/0`;
}
