import path from 'node:path';
import { type ConnectionSettings, connectionSettings, loadConfig, type ServersConfig } from './config.ts';
import { installJaeger } from './jaeger/install.ts';
import { jaegerState, startJaeger, stopJaeger } from './jaeger/server.ts';
import { installKafka, kafkaVersion } from './kafka/install.ts';
import { kafkaState, startKafka, stopKafka } from './kafka/server.ts';
import { installPostgres } from './postgres/install.ts';
import { postgresState, startPostgres, stopPostgres } from './postgres/server.ts';
import { withLock } from './lock.ts';
import { monitoringSettings, monitoringState } from './monitoring/servers.ts';
import { installRedis } from './redis/install.ts';
import { redisState, startRedis, stopRedis } from './redis/server.ts';
import { checkPrerequisites } from './prerequisites.ts';
import { type Log, residentBytes, silent } from './system.ts';

export interface ServerStatus {
  name: 'postgres' | 'kafka' | 'redis' | 'prometheus' | 'alertmanager' | 'jaeger';
  running: boolean;
  pid: number | null;
  port: number;
  /** Resident memory in bytes while running. */
  rss: number | null;
  dataDir: string;
}

const serversLock = (config: ServersConfig) => path.join(config.localDir, 'servers');

export interface Options {
  config?: ServersConfig;
  log?: Log;
}

/**
 * Installs whatever is missing: PostgreSQL and Redis from Debian's packages, the broker's jars from
 * Maven Central, the trace store (Jaeger) built from the Go module proxy.
 */
export async function installServers({ config = loadConfig(), log = silent }: Options = {}): Promise<void> {
  await checkPrerequisites(config);
  await withLock(path.join(config.toolsDir, 'install'), async () => {
    await installPostgres(log);
    await installKafka(config, log);
    await installRedis(log);
    await installJaeger(config, log);
  });
}

/** Starts the servers (installing first if needed) and returns how to reach them. */
export async function startServers({ config = loadConfig(), log = silent }: Options = {}): Promise<ConnectionSettings> {
  // Both up already: nothing to install, and no JVM to ask for its version.
  if (!serverStatus(config).every((server) => server.running)) await installServers({ config, log });
  await withLock(serversLock(config), async () => {
    // One after the other: on two cores the JVM's start-up and initdb would only slow each other down.
    await startPostgres(config, log);
    await startKafka(config, log);
    await startRedis(config, log);
    await startJaeger(config, log);
  });
  return connectionSettings(config);
}

export async function stopServers({ config = loadConfig(), log = silent }: Options = {}): Promise<void> {
  await withLock(serversLock(config), async () => {
    await stopJaeger(config, log);
    await stopRedis(config, log);
    await stopKafka(config, log);
    await stopPostgres(config, log);
  });
}

export function serverStatus(config: ServersConfig = loadConfig()): ServerStatus[] {
  const states = [
    { name: 'postgres' as const, state: postgresState(config), dataDir: config.postgres.dataDir },
    { name: 'kafka' as const, state: kafkaState(config), dataDir: config.kafka.dataDir },
    { name: 'redis' as const, state: redisState(config), dataDir: config.redis.dataDir },
    // In memory: its folder holds only its config and log.
    { name: 'jaeger' as const, state: jaegerState(config), dataDir: config.jaeger.dir },
  ];
  return states.map(({ name, state, dataDir }) => ({
    name,
    running: state.running,
    pid: state.pid ?? null,
    port: state.port,
    rss: state.pid === undefined ? null : (residentBytes(state.pid) ?? null),
    dataDir,
  }));
}

/** The local Prometheus and Alertmanager, in the same shape (they run only after `start --monitoring`). */
export function monitoringStatus(config: ServersConfig = loadConfig()): ServerStatus[] {
  const settings = monitoringSettings(config);
  return Object.entries(monitoringState(settings)).map(([name, state]) => ({
    name: name as 'prometheus' | 'alertmanager',
    running: state.running,
    pid: state.pid ?? null,
    port: state.port,
    rss: state.pid === undefined ? null : (residentBytes(state.pid) ?? null),
    dataDir: settings.dir,
  }));
}

export { kafkaVersion };
