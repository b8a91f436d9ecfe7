import { randomUUID } from 'node:crypto';
import { Consumer, stringDeserializers } from '@platformatic/kafka';

export interface TopicMessage {
  partition: number;
  offset: bigint;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Reads a whole topic, from its first offset to the end it had when the read began. */
export async function readWholeTopic(brokers: string[], topic: string, timeoutMs = 60_000): Promise<TopicMessage[]> {
  const consumer = new Consumer({
    groupId: `chaos-audit-${randomUUID()}`,
    clientId: 'chaos-audit',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  });
  const seen: TopicMessage[] = [];
  try {
    const ends = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
    const remaining = new Map<number, bigint>();
    ends.forEach((end, partition) => end > 0n && remaining.set(partition, end));
    if (remaining.size === 0) return seen;
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    for await (const m of stream) {
      seen.push({ partition: m.partition, offset: m.offset, key: m.key, value: m.value, headers: Object.fromEntries(m.headers) });
      const end = remaining.get(m.partition);
      if (end !== undefined && m.offset + 1n >= end) remaining.delete(m.partition);
      if (remaining.size === 0) break;
    }
    clearTimeout(timer);
    await stream.close().catch(() => undefined);
    if (remaining.size > 0) throw new Error(`${topic}: read stopped after ${timeoutMs} ms short of the end of partitions ${[...remaining.keys()].join(', ')}`);
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
  return seen;
}
