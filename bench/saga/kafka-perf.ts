import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { kafkaLibsDir, kafkaVersion, loadConfig } from '@msa/local-servers';
import type { SagaShape } from './saga-shape.ts';
import { round } from './stats.ts';

const run = promisify(execFile);

export interface KafkaResult {
  recordSize: number;
  records: number;
  producedPerSec: number;
  consumedPerSec: number;
  /** min(produced/s ÷ events produced per saga, consumed/s ÷ deliveries per saga). */
  sagasPerSec: number;
}

/**
 * Kafka's own perf tools live in kafka-tools, which the broker does not need, so the local servers
 * do not install it: fetched here from Maven Central once (mvn, as the broker's jars are), at the
 * broker's own version, into .local/bench.
 */
async function kafkaToolsClasspath(root: string): Promise<string> {
  const version = kafkaVersion();
  const dir = path.join(root, '.local', 'bench', `kafka-tools-${version}`);
  if (!existsSync(path.join(dir, `kafka-tools-${version}.jar`))) {
    mkdirSync(dir, { recursive: true });
    await run('mvn', ['-q', 'dependency:copy', `-Dartifact=org.apache.kafka:kafka-tools:${version}`, `-DoutputDirectory=${dir}`], { cwd: dir });
  }
  return `${dir}/*:${kafkaLibsDir(loadConfig())}/*`;
}

/** The last "N records sent, X records/sec" summary of kafka-producer-perf-test. */
export function parseProducerRate(output: string): number {
  const line = output.split('\n').filter((l) => l.includes('records sent,')).at(-1);
  const m = line && /([\d.]+) records\/sec/.exec(line);
  if (!m) throw new Error(`producer perf test printed no rate; its output:\n${output}`);
  return Number(m[1]);
}

/** fetch.nMsg.sec of kafka-consumer-perf-test's CSV summary: the rate while fetching, without the join. */
export function parseConsumerRate(output: string): number {
  const lines = output.split('\n').map((l) => l.trim());
  const header = lines.findIndex((l) => l.startsWith('start.time'));
  const cols = header >= 0 ? lines[header]!.split(/,\s*/) : [];
  const values = header >= 0 ? (lines[header + 1] ?? '').split(/,\s*/) : [];
  const value = Number(values[cols.indexOf('fetch.nMsg.sec')]);
  if (!Number.isFinite(value) || cols.indexOf('fetch.nMsg.sec') < 0) throw new Error(`consumer perf test printed no rate; its output:\n${output}`);
  return value;
}

/** The broker's produce and consume rates for records the size of the saga's events, on a topic of its own. */
export async function kafkaLimit(opts: { root: string; brokers: string[]; records: number; recordSize: number; shape: SagaShape; id: string }): Promise<KafkaResult> {
  const cp = await kafkaToolsClasspath(opts.root);
  const topic = `bench-saga-${opts.id}`;
  const admin = new Admin({ clientId: 'bench-saga', bootstrapBrokers: opts.brokers });
  await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
  const java = (cls: string, args: string[]) =>
    run('java', ['-Xmx512m', '-cp', cp, `org.apache.kafka.tools.${cls}`, ...args], { maxBuffer: 16 * 1024 * 1024 }).then((r) => r.stdout + r.stderr);
  try {
    const bootstrap = opts.brokers.join(',');
    // The services' producer settings: idempotent, acks=all (service-kit/src/messaging/kafka.ts).
    const produced = parseProducerRate(
      await java('ProducerPerformance', ['--topic', topic, '--num-records', String(opts.records), '--record-size', String(opts.recordSize), '--throughput', '-1',
        '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'enable.idempotence=true']),
    );
    const consumed = parseConsumerRate(
      await java('ConsumerPerformance', ['--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(opts.records), '--group', `${topic}-reader`, '--timeout', '60000']),
    );
    return {
      recordSize: opts.recordSize,
      records: opts.records,
      producedPerSec: round(produced, 0),
      consumedPerSec: round(consumed, 0),
      sagasPerSec: round(Math.min(produced / opts.shape.produced, consumed / opts.shape.consumed), 1),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  }
}

