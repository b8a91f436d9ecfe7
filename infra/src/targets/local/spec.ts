import path from 'node:path';
import { launchSpec } from '@msa/service-kit/launch';
import { devIssuerAuth } from '@msa/service-kit/dev-issuer';
import { databaseName, deadLetterTopic, hasDatabase, redisUser, serviceEnv, topicName, type Catalog, type Prefixes, type Service } from '@msa/catalog';
import { StackConfigError, type ConfigProblem } from '../../config/errors.ts';
import type { LocalStackConfig } from './config.ts';
import { issuerDir, stackRuntimeDir } from './paths.ts';
import type { LocalArtifact } from './artifacts.ts';

/** The version a service runs when the stack's msa:releases does not name one. */
export const UNRELEASED_VERSION = '0.0.0-local';

export interface LocalServiceSpec {
  name: string;
  /**
   * Absolute path of the bundle the processes run (see launchSpec): apps/<svc>/dist/main.mjs, or
   * a released artifact's stored copy (.local/artifacts/<svc>/sha256-<hex>/dist/main.mjs).
   */
  entry: string;
  /** Node flags (or a native program's arguments) and environment every launcher of a service uses (service-kit's launchSpec). */
  nodeArgs: string[];
  /** Not a Node.js bundle: `entry` is a program the supervisor runs as it is (catalog runtime.language). */
  native: boolean;
  launchEnv: Record<string, string>;
  /** Digest of the built bundle: a new build replaces the processes, an unchanged one leaves them. */
  artifact: string;
  port: number;
  url: string;
  replicas: number;
  version: string;
  commit: string;
  /** What the service reads about itself (catalog's serviceEnv for this stack). */
  serviceEnv: Record<string, string>;
  readinessPath: string;
  /** Where Prometheus scrapes it (the catalog's http.metrics). */
  metricsPath: string;
  /** The service's own store, by the catalog's store.engine: a database and role, or a Redis user. */
  database?: { name: string; role: string };
  redis?: { user: string };
  /** Topics this service produces, plus its dead-letter topic: created by its component. */
  ownTopics: string[];
  /** Topics produced by others that it consumes: its process waits for them. */
  consumes: string[];
  /** Extra environment from msa:local.env.<svc> (may hold decrypted secrets). */
  extraEnv: Record<string, string>;
}

export interface LocalStackSpec {
  stack: string;
  services: LocalServiceSpec[];
  /** Every topic with the stack's prefix, keyed by its catalog name. */
  topicNames: Record<string, string>;
  /** Folder for the stack's process logs and supervisor state. */
  runtimeDir: string;
}

/**
 * Resolves config and catalog into what each service gets on this machine: ports, names, env.
 * Pure, so a wrong config is reported before any resource is registered.
 */
export function resolveLocalStack(
  stack: string,
  config: LocalStackConfig,
  catalog: Catalog,
  repoRoot: string,
  artifacts: Record<string, LocalArtifact> = {},
): LocalStackSpec {
  const { local, releases } = config;
  const known = new Set(catalog.services.map((s) => s.name));
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(local.replicas)) {
    if (!known.has(name)) problems.push({ key: `msa:local.replicas.${name}`, message: `no service "${name}" in the catalog (${[...known].join(', ')})` });
  }
  for (const name of Object.keys(local.env)) {
    if (!known.has(name)) problems.push({ key: `msa:local.env.${name}`, message: `no service "${name}" in the catalog (${[...known].join(', ')})` });
  }
  for (const name of Object.keys(releases)) {
    if (!known.has(name)) problems.push({ key: `msa:releases.${name}`, message: `no service "${name}" in the catalog (${[...known].join(', ')})` });
  }
  for (const service of catalog.services) {
    const port = service.port + local.portOffset;
    if (port > 65535) problems.push({ key: 'msa:local.portOffset', message: `puts ${service.name} on port ${port}, above 65535` });
    const replicas = local.replicas[service.name];
    if (replicas !== undefined && replicas > service.scaling.maxReplicas) {
      problems.push({
        key: `msa:local.replicas.${service.name}`,
        message: `${replicas} exceeds the catalog's maxReplicas (${service.scaling.maxReplicas}) for ${service.name}`,
      });
    }
  }
  if (problems.length > 0) throw new StackConfigError(stack, problems);

  const urlOf = (s: Service) => `http://127.0.0.1:${s.port + local.portOffset}`;
  const prefixes: Prefixes = { topic: local.topicPrefix, database: local.namePrefix };
  const topicNames = Object.fromEntries(catalog.topics.map((t) => [t, topicName(prefixes.topic, t)]));
  // Each local stack has its own dev issuer (deployLocal creates its keys): `npm run token` mints for it.
  const auth = devIssuerAuth(issuerDir(stack, repoRoot), stack);
  const services = catalog.services.map((service): LocalServiceSpec => {
    const release = releases[service.name];
    const dbName = hasDatabase(service) ? databaseName(service, prefixes) : undefined;
    const version = release?.version ?? UNRELEASED_VERSION;
    const launch = launchSpec(artifacts[service.name]?.dir ?? service.dir);
    return {
      name: service.name,
      ...(service.runtime.language === 'node'
        ? { entry: launch.args.at(-1)!, nodeArgs: launch.args.slice(0, -1), native: false }
        : { entry: launch.command, nodeArgs: launch.args, native: true }),
      launchEnv: launch.env,
      artifact: artifacts[service.name]?.digest ?? '',
      port: service.port + local.portOffset,
      url: urlOf(service),
      replicas: local.replicas[service.name] ?? service.scaling.minReplicas,
      version,
      commit: release?.commit ?? '',
      serviceEnv: serviceEnv(service, {
        prefixes,
        version,
        port: service.port + local.portOffset,
        calleeUrl: (name) => urlOf(catalog.byName(name)),
        otlpEndpoint: local.tracing.otlpEndpoint ?? undefined,
        auth,
      }),
      readinessPath: service.http.readiness,
      metricsPath: service.http.metrics,
      ...(dbName ? { database: { name: dbName, role: dbName } } : {}),
      ...(service.store.engine === 'redis' ? { redis: { user: redisUser(service, prefixes) } } : {}),
      ownTopics: [...service.topics.produces, deadLetterTopic(service)],
      consumes: service.topics.consumes.filter((t) => !service.topics.produces.includes(t)),
      extraEnv: local.env[service.name] ?? {},
    };
  });
  return { stack, services, topicNames, runtimeDir: stackRuntimeDir(stack, repoRoot) };
}
