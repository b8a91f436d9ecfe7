import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import type { ServersConfig } from '../config.ts';
import { ServerStartError } from '../errors.ts';
import { requireFreePort } from '../ports.ts';
import { commandLine, isAlive, type Log, logTail, type ProcessState, readPid, sleep, waitFor } from '../system.ts';
import { installKafka, isKafkaInstalled, kafkaLibsDir, requireJava } from './install.ts';
import { kafkaAnswers } from './ready.ts';

const nodeId = 1;
const stopTimeoutMs = 30_000;
const readyTimeoutMs = 90_000;

function serverProperties(config: ServersConfig): string {
  const k = config.kafka;
  const settings: Record<string, string | number | boolean> = {
    // One JVM is both the KRaft controller and the broker.
    'process.roles': 'broker,controller',
    'node.id': nodeId,
    'controller.quorum.voters': `${nodeId}@${config.host}:${k.controllerPort}`,
    listeners: `PLAINTEXT://${config.host}:${k.port},CONTROLLER://${config.host}:${k.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${config.host}:${k.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': k.dataDir,
    // Topics are declared (infra, tests), never made by a typo in a consumer.
    'auto.create.topics.enable': false,
    'num.partitions': 3,
    // A single node: every internal topic has one replica.
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    // Consumers in tests join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': 0,
    'log.retention.hours': 24,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return `# Written by @msa/local-servers on each start; edit the code, not this file.\n${lines.join('\n')}\n`;
}

function log4jProperties(): string {
  return [
    'status = warn',
    'appender.file.type = RollingFile',
    'appender.file.name = file',
    'appender.file.fileName = ${sys:kafka.logs.dir}/server.log',
    'appender.file.filePattern = ${sys:kafka.logs.dir}/server.log.%i',
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 10MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 3',
    'rootLogger.level = info',
    'rootLogger.appenderRef.file.ref = file',
    // The state-change and request loggers are chatty and say nothing a developer needs here.
    'logger.statechange.name = state.change.logger',
    'logger.statechange.level = warn',
    '',
  ].join('\n');
}

function classpath(config: ServersConfig): string {
  return `${kafkaLibsDir(config)}/*`;
}

function clusterId(config: ServersConfig): string {
  const file = config.kafka.clusterIdFile;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = newClusterId();
  writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * Kafka's cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid`
 * prints). Like Kafka's own Uuid.randomUuid, never one that starts with '-': the storage tool would
 * read it as an option and the broker would not format (about one start in 64 failed so).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats the KRaft storage once; later starts reuse it. */
async function formatStorage(config: ServersConfig, java: string, log: Log): Promise<void> {
  if (existsSync(path.join(config.kafka.dataDir, 'meta.properties'))) return;
  const id = clusterId(config);
  log(`kafka: formatting storage ${config.kafka.dataDir} (cluster ${id})`);
  await $({ quiet: true })`${java} -cp ${classpath(config)} kafka.tools.StorageTool format --ignore-formatted -t ${id} -c ${config.kafka.propertiesFile}`;
}

export function kafkaState(config: ServersConfig): ProcessState {
  const pid = readPid(config.kafka.pidFile);
  // The pid file can outlive the broker and its pid be reused: check it is our broker.
  const running = pid !== undefined && isAlive(pid) && (commandLine(pid) ?? '').includes(config.kafka.propertiesFile);
  return running ? { running, pid, port: config.kafka.port } : { running: false, port: config.kafka.port };
}

function brokerLogTail(config: ServersConfig): string {
  return logTail(path.join(config.kafka.logsDir, 'server.log')) || logTail(path.join(config.kafka.logsDir, 'stdout.log'));
}

/** Starts the single-node KRaft broker detached and waits until it answers; already running is fine. */
export async function startKafka(config: ServersConfig, log: Log): Promise<ProcessState> {
  const before = kafkaState(config);
  if (before.running) {
    log(`kafka: already running (pid ${before.pid}, port ${before.port})`);
    return before;
  }
  await requireFreePort(config.host, config.kafka.port, 'MSA_KAFKA_PORT');
  await requireFreePort(config.host, config.kafka.controllerPort, 'MSA_KAFKA_CONTROLLER_PORT');
  const java = await requireJava();
  if (!isKafkaInstalled(config)) await installKafka(config, log);
  const k = config.kafka;
  for (const dir of [k.dir, k.dataDir, k.logsDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(k.propertiesFile, serverProperties(config));
  writeFileSync(k.log4jFile, log4jProperties());
  await formatStorage(config, java, log);

  log(`kafka: starting on ${config.host}:${k.port} (controller ${config.host}:${k.controllerPort})`);
  const out = openSync(path.join(k.logsDir, 'stdout.log'), 'a');
  const child = spawn(
    java,
    [
      '-Xms128m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dkafka.logs.dir=${k.logsDir}`,
      `-Dlog4j2.configurationFile=${k.log4jFile}`,
      '-cp',
      classpath(config),
      'kafka.Kafka',
      k.propertiesFile,
    ],
    // Its own session: the broker outlives this command and ignores the terminal's Ctrl-C.
    { cwd: k.dir, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new ServerStartError(`Could not start ${java}`);
  child.unref();
  writeFileSync(k.pidFile, `${pid}\n`);

  const bootstrap = `${config.host}:${k.port}`;
  await waitFor(
    async () => {
      if (!isAlive(pid)) throw new ServerStartError(`The Kafka broker exited while starting.${brokerLogTail(config)}`);
      return (await kafkaAnswers(bootstrap)) ? true : undefined;
    },
    readyTimeoutMs,
    () => new ServerStartError(`The Kafka broker (pid ${pid}) did not answer on ${bootstrap} within ${readyTimeoutMs / 1000} s.${brokerLogTail(config)}`),
    250,
  );
  log(`kafka: ready (pid ${pid})`);
  return { running: true, pid, port: k.port };
}

/** SIGTERM (a controlled shutdown), then SIGKILL after a timeout; not running is fine. */
export async function stopKafka(config: ServersConfig, log: Log): Promise<void> {
  const state = kafkaState(config);
  if (!state.running || state.pid === undefined) {
    log('kafka: not running');
    rmSync(config.kafka.pidFile, { force: true });
    return;
  }
  const pid = state.pid;
  log(`kafka: stopping (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + stopTimeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    log(`kafka: still running after ${stopTimeoutMs / 1000} s, killing it`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(100);
  }
  rmSync(config.kafka.pidFile, { force: true });
  log('kafka: stopped');
}
