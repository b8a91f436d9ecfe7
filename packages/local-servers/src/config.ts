import path from 'node:path';
import { z } from 'zod';
import { redisAdminUrl } from './redis/server.ts';

/** The repository root: this package lives in <root>/packages/local-servers/src. */
export const repoRoot = path.resolve(import.meta.dirname, '../../..');

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number (1024-65535)` })
    .int(`${name} must be a whole number`)
    .min(1024, `${name} must be at least 1024 (no privileged ports)`)
    .max(65535, `${name} must be at most 65535`)
    .default(fallback);

const absoluteDir = (name: string, fallback: string) =>
  z
    .string()
    .min(1, `${name} must not be empty`)
    .refine((dir) => path.isAbsolute(dir), `${name} must be an absolute path`)
    .default(fallback);

const envSchema = z
  .object({
    MSA_PG_PORT: port('MSA_PG_PORT', 55432),
    MSA_KAFKA_PORT: port('MSA_KAFKA_PORT', 59092),
    MSA_KAFKA_CONTROLLER_PORT: port('MSA_KAFKA_CONTROLLER_PORT', 59093),
    MSA_PROMETHEUS_PORT: port('MSA_PROMETHEUS_PORT', 59090),
    MSA_ALERTMANAGER_PORT: port('MSA_ALERTMANAGER_PORT', 59094),
    /** Jaeger (the trace store): its OTLP http receiver, and its query API and UI (http, grpc). */
    MSA_JAEGER_OTLP_PORT: port('MSA_JAEGER_OTLP_PORT', 54318),
    MSA_JAEGER_QUERY_PORT: port('MSA_JAEGER_QUERY_PORT', 56686),
    MSA_JAEGER_GRPC_PORT: port('MSA_JAEGER_GRPC_PORT', 56685),
    MSA_REDIS_PORT: port('MSA_REDIS_PORT', 56379),
    MSA_LOCAL_DIR: absoluteDir('MSA_LOCAL_DIR', path.join(repoRoot, '.local')),
    MSA_TOOLS_DIR: absoluteDir('MSA_TOOLS_DIR', path.join(repoRoot, '.tools')),
  })
  .superRefine((env, ctx) => {
    // A unix socket path has at most 107 bytes; PostgreSQL's socket lives under MSA_LOCAL_DIR.
    const socket = path.join(env.MSA_LOCAL_DIR, 'servers', 'postgres', 'run', `.s.PGSQL.${env.MSA_PG_PORT}`);
    if (Buffer.byteLength(socket) > 107) {
      ctx.addIssue({ code: 'custom', path: ['MSA_LOCAL_DIR'], message: `MSA_LOCAL_DIR is too long: PostgreSQL's socket ${socket} would exceed 107 bytes; choose a shorter folder` });
    }
    const ports = [
      ['MSA_PG_PORT', env.MSA_PG_PORT],
      ['MSA_KAFKA_PORT', env.MSA_KAFKA_PORT],
      ['MSA_KAFKA_CONTROLLER_PORT', env.MSA_KAFKA_CONTROLLER_PORT],
      ['MSA_PROMETHEUS_PORT', env.MSA_PROMETHEUS_PORT],
      ['MSA_ALERTMANAGER_PORT', env.MSA_ALERTMANAGER_PORT],
      ['MSA_JAEGER_OTLP_PORT', env.MSA_JAEGER_OTLP_PORT],
      ['MSA_JAEGER_QUERY_PORT', env.MSA_JAEGER_QUERY_PORT],
      ['MSA_JAEGER_GRPC_PORT', env.MSA_JAEGER_GRPC_PORT],
      ['MSA_REDIS_PORT', env.MSA_REDIS_PORT],
    ] as const;
    for (const [i, [name, value]] of ports.entries()) {
      const clash = ports.slice(0, i).find(([, other]) => other === value);
      if (clash) ctx.addIssue({ code: 'custom', path: [name], message: `${name} (${value}) must differ from ${clash[0]}` });
    }
  });

export interface ServersConfig {
  readonly host: '127.0.0.1';
  readonly localDir: string;
  readonly toolsDir: string;
  readonly postgres: {
    readonly port: number;
    readonly user: 'postgres';
    readonly dir: string;
    readonly dataDir: string;
    readonly socketDir: string;
    readonly logFile: string;
  };
  readonly kafka: {
    readonly port: number;
    readonly controllerPort: number;
    readonly dir: string;
    readonly dataDir: string;
    readonly logsDir: string;
    readonly pidFile: string;
    readonly clusterIdFile: string;
    readonly propertiesFile: string;
    readonly log4jFile: string;
  };
  readonly monitoring: {
    readonly prometheusPort: number;
    readonly alertmanagerPort: number;
    /** Scrape targets by file-based discovery: each local stack writes <stack>.json here. */
    readonly targetsDir: string;
  };
  readonly jaeger: {
    readonly otlpPort: number;
    readonly queryPort: number;
    readonly grpcPort: number;
    readonly dir: string;
    readonly configFile: string;
    readonly logFile: string;
    readonly pidFile: string;
  };
  readonly redis: {
    readonly port: number;
    readonly dir: string;
    readonly dataDir: string;
    readonly confFile: string;
    readonly pidFile: string;
    readonly logFile: string;
    /** The admin user's password, made on first start (mode 0600). */
    readonly passwordFile: string;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the servers' settings from the environment, once, at the edge. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServersConfig {
  // An empty variable means "not set": shells and CI often export empty values.
  const given = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('MSA_') && value !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid local servers configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const pgDir = path.join(e.MSA_LOCAL_DIR, 'servers', 'postgres');
  const kafkaDir = path.join(e.MSA_LOCAL_DIR, 'servers', 'kafka');
  const jaegerDir = path.join(e.MSA_LOCAL_DIR, 'servers', 'jaeger');
  const redisDir = path.join(e.MSA_LOCAL_DIR, 'servers', 'redis');
  return {
    host: '127.0.0.1',
    localDir: e.MSA_LOCAL_DIR,
    toolsDir: e.MSA_TOOLS_DIR,
    postgres: {
      port: e.MSA_PG_PORT,
      user: 'postgres',
      dir: pgDir,
      dataDir: path.join(pgDir, 'data'),
      socketDir: path.join(pgDir, 'run'),
      logFile: path.join(pgDir, 'postgres.log'),
    },
    kafka: {
      port: e.MSA_KAFKA_PORT,
      controllerPort: e.MSA_KAFKA_CONTROLLER_PORT,
      dir: kafkaDir,
      dataDir: path.join(kafkaDir, 'data'),
      logsDir: path.join(kafkaDir, 'logs'),
      pidFile: path.join(kafkaDir, 'kafka.pid'),
      clusterIdFile: path.join(kafkaDir, 'cluster-id'),
      propertiesFile: path.join(kafkaDir, 'server.properties'),
      log4jFile: path.join(kafkaDir, 'log4j2.properties'),
    },
    monitoring: {
      prometheusPort: e.MSA_PROMETHEUS_PORT,
      alertmanagerPort: e.MSA_ALERTMANAGER_PORT,
      targetsDir: path.join(e.MSA_LOCAL_DIR, 'monitoring', 'targets'),
    },
    jaeger: {
      otlpPort: e.MSA_JAEGER_OTLP_PORT,
      queryPort: e.MSA_JAEGER_QUERY_PORT,
      grpcPort: e.MSA_JAEGER_GRPC_PORT,
      dir: jaegerDir,
      configFile: path.join(jaegerDir, 'config.yaml'),
      logFile: path.join(jaegerDir, 'jaeger.log'),
      pidFile: path.join(jaegerDir, 'jaeger.pid'),
    },
    redis: {
      port: e.MSA_REDIS_PORT,
      dir: redisDir,
      dataDir: path.join(redisDir, 'data'),
      confFile: path.join(redisDir, 'redis.conf'),
      pidFile: path.join(redisDir, 'redis.pid'),
      logFile: path.join(redisDir, 'redis.log'),
      passwordFile: path.join(redisDir, 'admin-password'),
    },
  };
}

/**
 * What a client needs to reach the servers. PostgreSQL's `url` is the admin's: the superuser over the unix socket in
 * `socketDir` (peer authentication; pg_hba.conf refuses it over TCP). Service roles connect to `host`:`port` over TCP
 * with their passwords (SCRAM-SHA-256), so a URL derived from it by hostname and port is a TCP one.
 */
export interface ConnectionSettings {
  postgres: { host: string; port: number; user: string; socketDir: string; url: string };
  kafka: { bootstrap: string; brokers: string[] };
  /** Where services send spans (OTEL_EXPORTER_OTLP_ENDPOINT) and where to read traces (Jaeger's UI and query API). */
  tracing?: { otlpEndpoint: string; queryUrl: string };
  /** The admin URL (its password is made on first start); services get users of their own (redis/provision.ts). */
  redis: { host: string; port: number; url: string };
}

export function connectionSettings(config: ServersConfig = loadConfig()): ConnectionSettings {
  const bootstrap = `${config.host}:${config.kafka.port}`;
  return {
    postgres: {
      host: config.host,
      port: config.postgres.port,
      user: config.postgres.user,
      socketDir: config.postgres.socketDir,
      url: `postgres://${config.postgres.user}@${config.host}:${config.postgres.port}/postgres?host=${encodeURIComponent(config.postgres.socketDir)}`,
    },
    kafka: { bootstrap, brokers: [bootstrap] },
    tracing: {
      otlpEndpoint: `http://${config.host}:${config.jaeger.otlpPort}`,
      queryUrl: `http://${config.host}:${config.jaeger.queryPort}`,
    },
    redis: { host: config.host, port: config.redis.port, url: redisAdminUrl(config) },
  };
}
