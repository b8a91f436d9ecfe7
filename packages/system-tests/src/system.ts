import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { databaseName, findRepoRoot, hasDatabase, loadCatalog, REDIS_KEY_PREFIX_ENV, redisUser, serviceEnv, STORE_URL_ENV, type Catalog, type Prefixes } from '@msa/catalog';
import { connectionSettings, createRedisUser, dropRedisUser, type ConnectionSettings, type RedisUser } from '@msa/local-servers';
import { testIssuer } from '@msa/service-kit/dev-issuer';
import { freePort, spawnService, waitForOk, type ServiceProcess } from './process.ts';
import { createServiceDatabase, createTopics, deleteTopics, dropServiceDatabase, type ServiceDatabase } from './provision.ts';

export interface SystemOptions {
  /** Extra environment per service, e.g. chaos settings. */
  env?: Record<string, Record<string, string>>;
  /** Start only these services (their databases and all topics are still made). */
  only?: string[];
  /** Other servers than the default local ones (for example a broker a test stops); the rest are the local ones. */
  servers?: Partial<ConnectionSettings>;
  /** Run src/main.ts under type stripping instead of the built bundle (the memory benchmark's baseline). */
  fromSource?: boolean;
  /** A trace store's OTLP endpoint: the services trace and send their spans there (off when left out). */
  otlpEndpoint?: string;
}

/**
 * Every catalog service as a real process, each with its own database and role on the real
 * PostgreSQL, all on the real broker under a topic prefix of their own: one isolated environment.
 */
export class TestSystem {
  readonly root = findRepoRoot(import.meta.dirname);
  readonly catalog: Catalog = loadCatalog(this.root);
  readonly servers: ConnectionSettings;
  readonly id = randomBytes(3).toString('hex');
  readonly prefix = `t${this.id}.`;
  /** This system's names on the shared servers. */
  readonly prefixes: Prefixes = { topic: this.prefix, database: `t${this.id}_` };
  readonly databases = new Map<string, ServiceDatabase>();
  /** The Redis users of the services whose store is redis. */
  readonly redisUsers = new Map<string, RedisUser>();
  readonly ports = new Map<string, number>();
  readonly processes = new Map<string, ServiceProcess>();
  readonly logDir: string;
  #topics: string[] = [];
  #opts: SystemOptions;

  private constructor(opts: SystemOptions) {
    this.#opts = opts;
    this.servers = { ...connectionSettings(), ...opts.servers };
    this.logDir = path.join(this.root, '.local', 'test-logs', this.id);
  }

  static async start(opts: SystemOptions = {}): Promise<TestSystem> {
    const system = new TestSystem(opts);
    await system.#provision();
    // All at once: a caller does not need its callees up to start (it reaches them per request,
    // through a timeout and a circuit breaker), and every URL is known from the ports chosen above.
    // Fully up, consumers in their groups: tests then start from a settled system.
    const services = system.catalog.services.filter((s) => !opts.only || opts.only.includes(s.name));
    await Promise.all(services.map((s) => system.startService(s.name, {}, 'ok')));
    return system;
  }

  async #provision(): Promise<void> {
    this.#topics = await createTopics(this.servers.kafka.brokers, this.catalog, this.prefix);
    for (const s of this.catalog.services) {
      if (hasDatabase(s)) this.databases.set(s.name, await createServiceDatabase(this.servers.postgres.url, databaseName(s, this.prefixes)));
      if (s.store.engine === 'redis') this.redisUsers.set(s.name, await createRedisUser(this.servers.redis.url, redisUser(s, this.prefixes)));
      this.ports.set(s.name, await freePort());
    }
  }

  url(service: string): string {
    return `http://127.0.0.1:${this.ports.get(service)}`;
  }

  envFor(service: string, extra: Record<string, string> = {}): Record<string, string> {
    const entry = this.catalog.byName(service);
    return {
      // No release here: each service reports its package's version.
      ...serviceEnv(entry, {
        prefixes: this.prefixes, port: this.ports.get(service), calleeUrl: (c) => this.url(c), otlpEndpoint: this.#opts.otlpEndpoint, auth: testIssuer(this.root).auth,
      }),
      HOST: '127.0.0.1',
      ...this.#storeEnv(service),
      KAFKA_BROKERS: this.servers.kafka.bootstrap,
      LOG_LEVEL: 'info',
      OUTBOX_POLL_MS: '100',
      CONSUMER_RETRY_BASE_MS: '20',
      // Tests drive whole sagas as one caller; the limit itself has its own test (order's auth test).
      RATE_LIMIT_MAX: '1000000',
      ...this.#opts.env?.[service],
      ...extra,
    };
  }

  /** The URL of the service's own store, by the catalog's store.engine. */
  #storeEnv(service: string): Record<string, string> {
    const redis = this.redisUsers.get(service);
    if (redis) return { [STORE_URL_ENV.redis]: redis.url, [REDIS_KEY_PREFIX_ENV]: redis.keyPrefix };
    return { [STORE_URL_ENV.postgres]: this.databases.get(service)!.url };
  }

  /**
   * Starts (or restarts) one service and waits until its readiness endpoint says ready (it serves
   * HTTP) or, with 'ok', until nothing is degraded either (its consumer has joined its group).
   */
  async startService(service: string, extra: Record<string, string> = {}, until: 'ready' | 'ok' = 'ready'): Promise<ServiceProcess> {
    const proc = spawnService(this.root, service, this.envFor(service, extra), this.logDir, this.#opts.fromSource);
    this.processes.set(service, proc);
    await this.#ready(service, proc, this.logDir, until);
    return proc;
  }

  /**
   * Starts one more replica of a service: same database, topics and consumer group, a port of its
   * own, logs under <logDir>/<key>. stopService(key) stops it; key is `<service>#<n>` (n from 2).
   */
  async startReplica(service: string, extra: Record<string, string> = {}): Promise<{ key: string; proc: ServiceProcess }> {
    let n = 2;
    while (this.processes.has(`${service}#${n}`)) n++;
    const key = `${service}#${n}`;
    const logDir = path.join(this.logDir, key);
    const proc = spawnService(this.root, service, this.envFor(service, { ...extra, PORT: String(await freePort()) }), logDir, this.#opts.fromSource);
    this.processes.set(key, proc);
    await this.#ready(service, proc, logDir);
    return { key, proc };
  }

  async #ready(service: string, proc: ServiceProcess, logDir: string, until: 'ready' | 'ok' = 'ready'): Promise<void> {
    const entry = this.catalog.byName(service);
    await Promise.race([
      waitForOk(`${proc.url}${entry.http.readiness}`, 60_000, until === 'ok' ? (body) => body.status === 'ok' : undefined),
      proc.exited.then((code) => {
        throw new Error(`${service} exited with ${code} during start; see ${logDir}/${service}.log`);
      }),
    ]);
  }

  /** SIGTERM (graceful) or SIGKILL (a crash); resolves with the exit code. */
  async stopService(service: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
    const proc = this.processes.get(service);
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return proc?.child.exitCode ?? null;
    proc.child.kill(signal);
    // A process a test froze (SIGSTOP) acts on the signal only once it runs again.
    proc.child.kill('SIGCONT');
    return proc.exited;
  }

  async close(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((s) => this.stopService(s)));
    for (const db of this.databases.values()) await dropServiceDatabase(this.servers.postgres.url, db.name);
    for (const u of this.redisUsers.values()) await dropRedisUser(this.servers.redis.url, u.user);
    if (this.#topics.length > 0) await deleteTopics(this.servers.kafka.brokers, this.#topics).catch(() => undefined);
  }
}
