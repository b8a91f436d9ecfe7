import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  connectionSettings,
  installServers,
  loadConfig,
  startKafka,
  startPostgres,
  startRedis,
  stopKafka,
  stopPostgres,
  stopRedis,
  stopServers,
  type ConnectionSettings,
  type ServersConfig,
} from '@msa/local-servers';
import { freePort } from '@msa/system-tests';

/**
 * A PostgreSQL, a Kafka broker and a Redis of the run's own, on free loopback ports under a temporary
 * folder: the chaos run restarts them, which it must never do to the servers other work shares.
 * No trace store: the run's services send no traces.
 */
export class PrivateServers {
  readonly config: ServersConfig;
  readonly settings: ConnectionSettings;
  readonly dir: string;

  private constructor(config: ServersConfig, dir: string) {
    this.config = config;
    this.dir = dir;
    // After the start: Redis's admin password is made on its first start.
    this.settings = connectionSettings(config);
  }

  static async start(log: (line: string) => void = () => undefined): Promise<PrivateServers> {
    // Short: PostgreSQL's socket path under it must stay below 108 bytes.
    const dir = mkdtempSync(path.join(tmpdir(), 'msa-chaos-'));
    const config = loadConfig({
      ...process.env,
      MSA_LOCAL_DIR: dir,
      MSA_PG_PORT: String(await freePort()),
      MSA_KAFKA_PORT: String(await freePort()),
      MSA_KAFKA_CONTROLLER_PORT: String(await freePort()),
      // Every server it starts gets a port of the run's own; the trace store too, though the run starts none
      // (its services send no traces): a port from the shared settings must never be the private one's.
      MSA_REDIS_PORT: String(await freePort()),
      MSA_JAEGER_OTLP_PORT: String(await freePort()),
      MSA_JAEGER_QUERY_PORT: String(await freePort()),
      MSA_JAEGER_GRPC_PORT: String(await freePort()),
    });
    try {
      await installServers({ config, log });
      // One after the other: on two cores the JVM's start-up and initdb would only slow each other down.
      await startPostgres(config, log);
      await startKafka(config, log);
      await startRedis(config, log);
    } catch (error) {
      // Whatever did start (a broker before a port clash) would outlive the run otherwise.
      await stopServers({ config }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return new PrivateServers(config, dir);
  }

  /** A controlled broker restart: SIGTERM, wait for it to go, start again and wait until it answers. */
  async restartKafka(log: (line: string) => void = () => undefined): Promise<void> {
    await stopKafka(this.config, log);
    await startKafka(this.config, log);
  }

  /** pg_ctl stop -m fast (every session is cut), then start again. */
  async restartPostgres(log: (line: string) => void = () => undefined): Promise<void> {
    await stopPostgres(this.config, log);
    await startPostgres(this.config, log);
  }

  /** SIGTERM (Redis writes its append-only file and exits), then start again: every client connection is cut. */
  async restartRedis(log: (line: string) => void = () => undefined): Promise<void> {
    await stopRedis(this.config, log);
    await startRedis(this.config, log);
  }

  async stop(): Promise<void> {
    await stopServers({ config: this.config }).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
