import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  connectionSettings,
  loadConfig,
  startKafka,
  startPostgres,
  startServers,
  stopKafka,
  stopPostgres,
  stopServers,
  type ConnectionSettings,
  type ServersConfig,
} from '@msa/local-servers';
import { freePort } from '@msa/system-tests';

/**
 * The servers (PostgreSQL, Kafka, Redis, the trace store) of the run's own, on free loopback ports under a temporary folder:
 * the chaos run restarts them, which it must never do to the servers other work shares.
 */
export class PrivateServers {
  readonly config: ServersConfig;
  readonly settings: ConnectionSettings;
  readonly dir: string;

  private constructor(config: ServersConfig, dir: string) {
    this.config = config;
    this.dir = dir;
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
      // Every server the servers command starts gets a port of the run's own (Redis, the trace store too).
      MSA_REDIS_PORT: String(await freePort()),
      MSA_JAEGER_OTLP_PORT: String(await freePort()),
      MSA_JAEGER_QUERY_PORT: String(await freePort()),
      MSA_JAEGER_GRPC_PORT: String(await freePort()),
    });
    const servers = new PrivateServers(config, dir);
    try {
      await startServers({ config, log });
    } catch (error) {
      // Whatever did start (a broker before a port clash) would outlive the run otherwise.
      await servers.stop();
      throw error;
    }
    return servers;
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

  async stop(): Promise<void> {
    await stopServers({ config: this.config }).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
