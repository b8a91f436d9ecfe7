import { randomUUID } from 'node:crypto';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import type { KafkaConnection } from '../messaging/connection.ts';

export interface TopicRecord {
  partition: number;
  offset: bigint;
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp: bigint;
}

/**
 * Reads a topic from its first record to the end it had when called, in a throwaway group that
 * commits nothing, so reading never moves any service's position.
 */
export async function readWholeTopic(brokers: string[], topic: string, connection: KafkaConnection = {}): Promise<TopicRecord[]> {
  const consumer = new Consumer({
    ...connection,
    groupId: `dlq-reader-${randomUUID()}`,
    clientId: 'dlq-reader',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  });
  try {
    const ends = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const remaining = new Map(ends.map((end, partition) => [partition, end]).filter(([, end]) => (end as bigint) > 0n) as [number, bigint][]);
    const records: TopicRecord[] = [];
    if (remaining.size === 0) return records;
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    for await (const m of stream) {
      const end = remaining.get(m.partition);
      if (end !== undefined && m.offset < end) {
        records.push({ partition: m.partition, offset: m.offset, key: m.key, value: m.value, headers: Object.fromEntries(m.headers), timestamp: m.timestamp });
        if (m.offset + 1n >= end) remaining.delete(m.partition);
      }
      if (remaining.size === 0) break;
    }
    await stream.close().catch(() => undefined);
    return records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}
