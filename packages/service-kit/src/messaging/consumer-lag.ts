import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import client from 'prom-client';
import type { KafkaConnection } from './connection.ts';

export interface ConsumerLagOptions {
  clientId: string;
  brokers: string[];
  connection?: KafkaConnection | undefined;
  /** The service's consumer group and the (prefixed) topics it consumes. */
  groupId: string;
  topics: string[];
  /** Readings this recent are served again: several gauges and replicas' scrapes share one read. */
  cacheMs?: number;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages written to the partition that the group has not committed yet. */
  lag: number;
}

/**
 * The group's lag per partition: each partition's end offset minus the group's committed offset (or,
 * before any commit, minus the log start, where the consumer would begin). Read from the brokers,
 * not from the consumer itself, so it keeps growing while the consumer loop is dead or stopped,
 * which is exactly when it matters.
 */
export class ConsumerLag {
  #opts: ConsumerLagOptions;
  #admin?: Admin;
  #last?: { at: number; value: Promise<PartitionLag[]> };

  constructor(opts: ConsumerLagOptions) {
    this.#opts = opts;
  }

  read(): Promise<PartitionLag[]> {
    const now = Date.now();
    if (this.#last && now - this.#last.at < (this.#opts.cacheMs ?? 1_000)) return this.#last.value;
    const value = this.#query();
    this.#last = { at: now, value };
    value.catch(() => {
      if (this.#last?.value === value) this.#last = undefined;
    });
    return value;
  }

  async #query(): Promise<PartitionLag[]> {
    const { groupId, topics } = this.#opts;
    // Short timeouts, one retry: a scrape must answer while the broker is away (with the last values).
    this.#admin ??= new Admin({ ...this.#opts.connection, clientId: this.#opts.clientId, bootstrapBrokers: this.#opts.brokers, timeout: 2_000, retries: 1 });
    const admin = this.#admin;
    const metadata = await admin.metadata({ topics });
    const request = (timestamp: bigint) =>
      topics.map((name) => ({
        name,
        partitions: Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, partitionIndex) => ({ partitionIndex, timestamp })),
      }));
    const [latest, earliest, [group]] = await Promise.all([
      admin.listOffsets({ topics: request(ListOffsetTimestamps.LATEST) }),
      admin.listOffsets({ topics: request(ListOffsetTimestamps.EARLIEST) }),
      admin.listConsumerGroupOffsets({ groups: [groupId] }),
    ]);
    const offsetOf = (list: typeof latest, topic: string, partition: number) =>
      list.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n;
    const committedOf = (topic: string, partition: number) =>
      group?.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n;
    return latest.flatMap((t) =>
      t.partitions.map((p) => {
        const committed = committedOf(t.name, p.partitionIndex);
        const from = committed >= 0n ? committed : offsetOf(earliest, t.name, p.partitionIndex);
        return { topic: t.name, partition: p.partitionIndex, lag: Math.max(0, Number(p.offset - from)) };
      }),
    );
  }

  async close(): Promise<void> {
    await this.#admin?.close().catch(() => undefined);
    this.#admin = undefined;
  }
}

/**
 * kafka_consumer_lag_messages{topic, partition}, read at each scrape; `unprefixed` gives the catalog's
 * topic name, so the label is the same in every stack. A failed read keeps the last values.
 */
export function registerLagGauge(registry: client.Registry, lag: ConsumerLag, unprefixed: (topic: string) => string): void {
  new client.Gauge({
    name: 'kafka_consumer_lag_messages',
    help: "Messages on a consumed topic's partition that the service's consumer group has not committed yet",
    labelNames: ['topic', 'partition'],
    registers: [registry],
    async collect() {
      const partitions = await lag.read().catch(() => undefined);
      for (const p of partitions ?? []) this.set({ topic: unprefixed(p.topic), partition: String(p.partition) }, p.lag);
    },
  });
}
