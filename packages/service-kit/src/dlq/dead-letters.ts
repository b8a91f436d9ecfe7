import { Producer, stringSerializers } from '@platformatic/kafka';
import type { KafkaConnection } from '../messaging/connection.ts';
import { DLQ_HEADERS } from '../messaging/dead-letter.ts';
import { readWholeTopic } from './read-topic.ts';

export interface DeadLetter {
  /** Where the dead letter sits on the dead-letter topic: what `replay --offset` names. */
  id: string;
  partition: number;
  offset: string;
  key: string;
  reason: string;
  sourceTopic: string;
  sourceOffset: string;
  eventType: string | undefined;
  eventId: string | undefined;
  failedAt: string | undefined;
  /** Sent back to its source topic already (a marker on the dead-letter topic says so). */
  replayed: boolean;
  value: string;
}

export interface DeadLetterTopic {
  brokers: string[];
  connection?: KafkaConnection;
  /** The full (prefixed) name of the service's dead-letter topic. */
  topic: string;
}

function eventOf(value: string): { type?: string; id?: string } {
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { type?: string; id?: string }) : {};
  } catch {
    return {};
  }
}

/** Every dead letter on the topic, oldest first, with its reason and whether it was replayed. */
export async function listDeadLetters(dlq: DeadLetterTopic): Promise<DeadLetter[]> {
  const records = await readWholeTopic(dlq.brokers, dlq.topic, dlq.connection);
  const replayed = new Set(records.map((r) => r.headers[DLQ_HEADERS.replayed]).filter(Boolean));
  return records
    .filter((r) => !r.headers[DLQ_HEADERS.replayed])
    .map((r) => {
      const id = `${r.partition}:${r.offset}`;
      const event = eventOf(r.value);
      return {
        id,
        partition: r.partition,
        offset: String(r.offset),
        key: r.key,
        reason: r.headers[DLQ_HEADERS.reason] ?? '(no reason recorded)',
        sourceTopic: r.headers[DLQ_HEADERS.sourceTopic] ?? '',
        sourceOffset: `${r.headers[DLQ_HEADERS.sourcePartition] ?? '?'}:${r.headers[DLQ_HEADERS.sourceOffset] ?? '?'}`,
        eventType: typeof event.type === 'string' ? event.type : undefined,
        eventId: typeof event.id === 'string' ? event.id : undefined,
        failedAt: r.headers[DLQ_HEADERS.failedAt],
        replayed: replayed.has(id),
        value: r.value,
      };
    });
}

export interface ReplayResult {
  replayed: string[];
  /** Chosen, but replayed before: not sent again. */
  alreadyReplayed: string[];
  /** Chosen ids that name no dead letter. */
  unknown: string[];
}

/**
 * Sends the chosen dead letters (ids "partition:offset", or all) back to their source topics with
 * their original key and value, then marks each on the dead-letter topic so a second replay skips
 * it. Should the command die between the two, the message goes out twice: harmless, since the
 * consumer applies an event id once (processed_messages).
 */
export async function replayDeadLetters(dlq: DeadLetterTopic, chosen: string[] | 'all'): Promise<ReplayResult> {
  const letters = await listDeadLetters(dlq);
  const byId = new Map(letters.map((l) => [l.id, l]));
  const ids = chosen === 'all' ? letters.map((l) => l.id) : [...new Set(chosen)];
  const result: ReplayResult = { replayed: [], alreadyReplayed: [], unknown: [] };
  const producer = new Producer({ ...dlq.connection, clientId: 'dlq-replay', bootstrapBrokers: dlq.brokers, serializers: stringSerializers, idempotent: true, acks: -1 });
  try {
    for (const id of ids) {
      const letter = byId.get(id);
      if (!letter || !letter.sourceTopic) result.unknown.push(id);
      else if (letter.replayed) result.alreadyReplayed.push(id);
      else {
        await producer.send({ messages: [{ topic: letter.sourceTopic, key: letter.key, value: letter.value, headers: { [DLQ_HEADERS.replayOf]: `${dlq.topic}:${id}` } }] });
        await producer.send({ messages: [{ topic: dlq.topic, key: letter.key, value: '', headers: { [DLQ_HEADERS.replayed]: id } }] });
        result.replayed.push(id);
      }
    }
  } finally {
    await producer.close().catch(() => undefined);
  }
  return result;
}
