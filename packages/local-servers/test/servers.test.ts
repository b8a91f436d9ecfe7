import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Admin, Consumer, MessagesStreamModes, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, loadConfig, type ServersConfig } from '../src/config.ts';
import { serverStatus, startServers, stopServers } from '../src/servers.ts';
import { isAlive, isRoot } from '../src/system.ts';

// Ports the OS hands out now, so this suite never collides with a developer's running servers.
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

const cli = path.resolve(import.meta.dirname, '../src/cli.ts');

describe('local servers (real PostgreSQL and a real KRaft broker)', () => {
  let localDir: string;
  let env: NodeJS.ProcessEnv;
  let config: ServersConfig;
  const logged: string[] = [];
  let firstPids: (number | null)[] = [];

  beforeAll(async () => {
    localDir = mkdtempSync(path.join(os.tmpdir(), 'msa-local-servers-test-'));
    const [pgPort, kafkaPort, controllerPort, redisPort, otlpPort, queryPort, grpcPort] = await freePorts(7);
    env = {
      ...process.env,
      MSA_LOCAL_DIR: localDir,
      MSA_PG_PORT: String(pgPort),
      MSA_KAFKA_PORT: String(kafkaPort),
      MSA_KAFKA_CONTROLLER_PORT: String(controllerPort),
      MSA_REDIS_PORT: String(redisPort),
      MSA_JAEGER_OTLP_PORT: String(otlpPort),
      MSA_JAEGER_QUERY_PORT: String(queryPort),
      MSA_JAEGER_GRPC_PORT: String(grpcPort),
    };
    config = loadConfig(env);
    // Two starts at once (two terminals, two test workers): the lock lets one do the work.
    const other: string[] = [];
    await Promise.all([startServers({ config, log: (line) => logged.push(line) }), startServers({ config, log: (line) => other.push(line) })]);
    logged.push(...other);
    firstPids = serverStatus(config).map((s) => s.pid);
  });

  afterAll(async () => {
    await stopServers({ config });
    rmSync(localDir, { recursive: true, force: true });
  });

  it('starts each server once on its configured loopback port, even when two starts race', async () => {
    expect(await accepts(config.postgres.port)).toBe(true);
    expect(await accepts(config.kafka.port)).toBe(true);
    expect(await accepts(config.jaeger.otlpPort)).toBe(true);
    expect(await accepts(config.jaeger.queryPort)).toBe(true);
    expect(logged.filter((line) => line.startsWith('postgres: initdb'))).toHaveLength(1);
    expect(await accepts(config.redis.port)).toBe(true);
    expect(logged.filter((line) => / ready \(pid /.test(line))).toEqual([
      `postgres: ready (pid ${firstPids[0]})`,
      `kafka: ready (pid ${firstPids[1]})`,
      `redis: ready (pid ${firstPids[2]})`,
      `jaeger: ready (pid ${firstPids[3]})`,
    ]);
    expect(logged.filter((line) => line.includes('already running'))).toHaveLength(4);
  });

  it('makes a private data root (mkdtemp, 0700) reachable by PostgreSQL\'s own user when run as root', () => {
    // PostgreSQL refuses root, so as root it runs as user postgres, which must walk into MSA_LOCAL_DIR.
    expect(logged.includes(`postgres: granted search permission (o+x) on ${localDir} so user 'postgres' can reach its data`)).toBe(isRoot());
  });

  it('is safe to start twice: the second start finds them running and returns the same settings', async () => {
    const again: string[] = [];
    const settings = await startServers({ config, log: (line) => again.push(line) });
    expect(again).toContain(`postgres: already running (pid ${firstPids[0]}, port ${config.postgres.port})`);
    expect(again).toContain(`kafka: already running (pid ${firstPids[1]}, port ${config.kafka.port})`);
    expect(again).toContain(`jaeger: already running (pid ${firstPids[3]}, query 127.0.0.1:${config.jaeger.queryPort})`);
    expect(serverStatus(config).map((s) => s.pid)).toEqual(firstPids);
    expect(settings.kafka.bootstrap).toBe(`127.0.0.1:${config.kafka.port}`);
  });

  it('PostgreSQL accepts the postgres superuser over its private socket (peer auth) and answers a query', async () => {
    const client = new pg.Client({ connectionString: connectionSettings(config).postgres.url });
    await client.connect();
    try {
      const result = await client.query<{ answer: number; superuser: string }>(
        "select 6 * 7 as answer, current_setting('is_superuser') as superuser",
      );
      expect(result.rows).toEqual([{ answer: 42, superuser: 'on' }]);
    } finally {
      await client.end();
    }
  });

  it('Kafka creates a topic (3 partitions by default) and a message round-trips through it', async () => {
    const bootstrapBrokers = [`127.0.0.1:${config.kafka.port}`];
    const topic = 'local-servers.roundtrip';
    const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers });
    const producer = new Producer({ clientId: 'test-producer', bootstrapBrokers, serializers: stringSerializers });
    const consumer = new Consumer({
      clientId: 'test-consumer',
      groupId: 'local-servers-test',
      bootstrapBrokers,
      deserializers: stringDeserializers,
    });
    try {
      const [created] = await admin.createTopics({ topics: [topic], partitions: -1, replicas: -1 });
      expect(created?.partitions).toBe(3);
      expect(await admin.listTopics()).toContain(topic);

      await producer.send({ messages: [{ topic, key: 'order-1', value: '{"type":"OrderPlaced"}' }] });

      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
      let received: { key: string; value: string } | undefined;
      for await (const message of stream) {
        received = { key: message.key, value: message.value };
        break;
      }
      await stream.close();
      expect(received).toEqual({ key: 'order-1', value: '{"type":"OrderPlaced"}' });
    } finally {
      await Promise.allSettled([admin.close(), producer.close(), consumer.close(true)]);
    }
  });

  it('does not create topics on demand: a producer to an undeclared topic fails', async () => {
    const producer = new Producer({
      clientId: 'test-producer-unknown',
      bootstrapBrokers: [`127.0.0.1:${config.kafka.port}`],
      serializers: stringSerializers,
      retries: 1,
    });
    try {
      await expect(producer.send({ messages: [{ topic: 'never-declared', value: 'x' }] })).rejects.toThrow();
    } finally {
      await producer.close();
    }
  });

  it('status reports each running with pid and port, in a table and as JSON from the command', async () => {
    const statuses = serverStatus(config);
    expect(statuses.map(({ name, running, pid, port }) => ({ name, running, pid, port }))).toEqual([
      { name: 'postgres', running: true, pid: firstPids[0], port: config.postgres.port },
      { name: 'kafka', running: true, pid: firstPids[1], port: config.kafka.port },
      { name: 'redis', running: true, pid: firstPids[2], port: config.redis.port },
      { name: 'jaeger', running: true, pid: firstPids[3], port: config.jaeger.queryPort },
    ]);
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'status', '--json'], { env });
    const report = JSON.parse(stdout) as { servers: { name: string; running: boolean; pid: number }[] };
    expect(report.servers.map((s) => [s.name, s.running, s.pid])).toEqual([
      ['postgres', true, firstPids[0]],
      ['kafka', true, firstPids[1]],
      ['redis', true, firstPids[2]],
      ['jaeger', true, firstPids[3]],
      // Prometheus and Alertmanager run only after `start --monitoring`: listed, stopped.
      ['prometheus', false, null],
      ['alertmanager', false, null],
    ]);
  });

  it('stop ends every process and frees the ports; stopping again is harmless', async () => {
    await stopServers({ config });
    for (const pid of firstPids) expect(isAlive(pid!)).toBe(false);
    expect(serverStatus(config).map((s) => s.running)).toEqual([false, false, false, false]);
    expect(await accepts(config.postgres.port)).toBe(false);
    expect(await accepts(config.kafka.port)).toBe(false);
    expect(await accepts(config.jaeger.queryPort)).toBe(false);
    const again: string[] = [];
    await stopServers({ config, log: (line) => again.push(line) });
    expect(again).toEqual(['jaeger: not running', 'redis: not running', 'kafka: not running', 'postgres: not running']);
  });
});
