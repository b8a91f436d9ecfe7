import { randomUUID } from 'node:crypto';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

/** Sends raw values to a topic, as a misbehaving or duplicating producer would. */
export async function sendRaw(brokers: string[], topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const producer = new Producer({ clientId: 'system-tests', bootstrapBrokers: brokers, serializers: stringSerializers });
  try {
    await producer.send({ messages: messages.map((m) => ({ topic, ...m })) });
  } finally {
    await producer.close();
  }
}

export interface ReadMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Reads a topic from the start until a message matches, or the time is up (then returns what it saw). */
export async function readTopic(
  brokers: string[],
  topic: string,
  match: (m: ReadMessage) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const consumer = new Consumer({
    groupId: `reader-${randomUUID()}`,
    clientId: 'system-tests-reader',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  });
  const seen: ReadMessage[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    for await (const m of stream) {
      const read = { key: m.key, value: m.value, headers: Object.fromEntries(m.headers) };
      seen.push(read);
      if (match(read)) break;
    }
    clearTimeout(timer);
    await stream.close().catch(() => undefined);
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
  return seen;
}

export function envelope(type: string, key: string, data: Record<string, unknown>, id = randomUUID()) {
  return { id, type, key, source: 'system-tests', occurredAt: new Date().toISOString(), data };
}
