import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import type { ServersConfig } from '../config.ts';
import { PrerequisiteError, ServerStartError } from '../errors.ts';
import { requireFreePort } from '../ports.ts';
import { commandLine, isAlive, isRoot, type Log, logTail, type ProcessState, readPid, waitFor } from '../system.ts';
import { AUTH_SETTINGS, writeAuthConfig } from './auth.ts';
import { findPostgresBinDir, installPostgres } from './install.ts';

// PostgreSQL refuses to run as root; as root we run it as Debian's `postgres` system user.
const serviceUser = 'postgres';

async function binDir(log: Log): Promise<string> {
  return findPostgresBinDir() ?? (await installPostgres(log));
}

/** Runs a PostgreSQL tool, as the service user when we are root. */
function pgTool(bin: string, tool: string, args: string[]) {
  const exe = path.join(bin, tool);
  return isRoot() ? $({ quiet: true })`runuser -u ${serviceUser} -- ${exe} ${args}` : $({ quiet: true })`${exe} ${args}`;
}

async function serviceUserIds(): Promise<{ uid: number; gid: number }> {
  const uid = await $({ quiet: true, nothrow: true })`id -u ${serviceUser}`;
  const gid = await $({ quiet: true, nothrow: true })`id -g ${serviceUser}`;
  if (uid.exitCode !== 0 || gid.exitCode !== 0) {
    throw new PrerequisiteError(
      `PostgreSQL cannot run as root and there is no '${serviceUser}' user to run it as: reinstall Debian's postgresql package (it creates the user) or run as a normal user.`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Creates the data folders, owned by whoever will run the server, and checks that user can reach them. */
async function prepareDirs(config: ServersConfig, log: Log): Promise<void> {
  const pg = config.postgres;
  // Parents keep the default mode (the service user must traverse them); initdb makes the data dir 0700 itself.
  for (const dir of [pg.dir, pg.socketDir]) mkdirSync(dir, { recursive: true });
  if (!isRoot()) return;
  const { uid, gid } = await serviceUserIds();
  for (const dir of [pg.dir, pg.socketDir]) chownSync(dir, uid, gid);
  if (existsSync(pg.logFile)) chownSync(pg.logFile, uid, gid);
  if (!(await serviceUserReaches(pg.dir))) {
    // Grant search (o+x), not read, so the service user can walk to its data and no further; but only on the project's
    // own folders (MSA_LOCAL_DIR and below). A folder above it (a private home such as /root) is the user's to open.
    for (const dir of ancestors(pg.dir).filter((d) => isWithin(d, config.localDir))) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        log(`postgres: granted search permission (o+x) on ${dir} so user '${serviceUser}' can reach its data`);
      }
    }
  }
  if (!(await serviceUserReaches(pg.dir))) {
    const closed = ancestors(pg.dir).filter((d) => !isWithin(d, config.localDir) && (statSync(d).mode & 0o001) === 0);
    throw new PrerequisiteError(
      `PostgreSQL runs as user '${serviceUser}' (it refuses root), and that user cannot reach ${pg.dir}` +
        (closed.length ? ` (no search permission on ${closed.join(', ')}, outside the project; setup changes no permission there)` : '') +
        `. Set MSA_LOCAL_DIR to a folder it can reach (for example /tmp/msa-local).`,
    );
  }
}

async function serviceUserReaches(dir: string): Promise<boolean> {
  return (await $({ quiet: true, nothrow: true })`runuser -u ${serviceUser} -- test -w ${dir}`).exitCode === 0;
}

const isWithin = (dir: string, root: string) => dir === root || dir.startsWith(`${root}${path.sep}`);

/** The folders above `dir`, from the root down. */
function ancestors(dir: string): string[] {
  const above: string[] = [];
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    above.unshift(current);
    if (path.dirname(current) === current) return above;
  }
}

async function initCluster(config: ServersConfig, bin: string, log: Log): Promise<void> {
  const pg = config.postgres;
  if (existsSync(path.join(pg.dataDir, 'PG_VERSION'))) return;
  log(`postgres: initdb ${pg.dataDir}`);
  await pgTool(bin, 'initdb', [
    '-D', pg.dataDir,
    '-U', pg.user,
    '--auth-local=peer',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-instructions',
  ]);
}

export function postgresState(config: ServersConfig): ProcessState {
  const pid = readPid(path.join(config.postgres.dataDir, 'postmaster.pid'));
  const running = pid !== undefined && isAlive(pid) && (commandLine(pid) ?? '').includes('postgres');
  const portLine = running ? readFileSync(path.join(config.postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[3] : undefined;
  const port = portLine ? Number(portLine) : config.postgres.port;
  return running ? { running, pid, port } : { running: false, port: config.postgres.port };
}

async function isReady(config: ServersConfig, bin: string): Promise<boolean> {
  const probe = await $({ quiet: true, nothrow: true })`${path.join(bin, 'pg_isready')} -q -h ${config.host} -p ${config.postgres.port} -U ${config.postgres.user} -t 2`;
  return probe.exitCode === 0;
}

/** Initialises the cluster once and starts it on 127.0.0.1; already running is fine. */
export async function startPostgres(config: ServersConfig, log: Log): Promise<ProcessState> {
  const before = postgresState(config);
  if (before.running) {
    log(`postgres: already running (pid ${before.pid}, port ${before.port})`);
    if (before.port !== config.postgres.port) log(`postgres: note: it listens on ${before.port}, not MSA_PG_PORT=${config.postgres.port}; stop it to change the port`);
    return before;
  }
  await requireFreePort(config.host, config.postgres.port, 'MSA_PG_PORT');
  const bin = await binDir(log);
  await prepareDirs(config, log);
  await initCluster(config, bin, log);
  // Rewritten on every start, so a cluster made by an older version (which trusted everyone) is closed too.
  writeAuthConfig(config, serviceUser, isRoot() ? await serviceUserIds() : undefined);
  const pg = config.postgres;
  const settings = [
    `-c listen_addresses=${config.host}`,
    `-c port=${pg.port}`,
    `-c unix_socket_directories='${pg.socketDir}'`,
    // Three services with pools, their replicas and the tests share one server.
    '-c max_connections=300',
    ...AUTH_SETTINGS,
  ].join(' ');
  log(`postgres: starting on ${config.host}:${pg.port}`);
  try {
    await pgTool(bin, 'pg_ctl', ['start', '-D', pg.dataDir, '-l', pg.logFile, '-w', '-t', '60', '-o', settings]);
  } catch (error) {
    throw new ServerStartError(`PostgreSQL did not start: ${(error as Error).message.trim()}${logTail(pg.logFile)}`);
  }
  await waitFor(
    async () => ((await isReady(config, bin)) ? true : undefined),
    30_000,
    () => new ServerStartError(`PostgreSQL started but does not answer on ${config.host}:${pg.port} (see ${pg.logFile})`),
  );
  const state = postgresState(config);
  log(`postgres: ready (pid ${state.pid})`);
  return state;
}

/** Stops the server with a fast shutdown (rolls back open transactions); not running is fine. */
export async function stopPostgres(config: ServersConfig, log: Log): Promise<void> {
  const state = postgresState(config);
  if (!state.running) {
    log('postgres: not running');
    return;
  }
  const bin = findPostgresBinDir();
  if (!bin) throw new PrerequisiteError('PostgreSQL is running but its pg_ctl is gone from /usr/lib/postgresql/*/bin');
  log(`postgres: stopping (pid ${state.pid})`);
  await pgTool(bin, 'pg_ctl', ['stop', '-D', config.postgres.dataDir, '-m', 'fast', '-w', '-t', '60']);
  log('postgres: stopped');
}
