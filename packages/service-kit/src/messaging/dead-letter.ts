import { InvalidMessageError } from '../events/envelope.ts';
import { classifyFailure } from './failure.ts';

/**
 * How a dead letter records where it came from and why: the consumer writes these headers, the
 * dead-letter command reads them to list and replay. One module, so the two cannot disagree.
 */
export const DLQ_HEADERS = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumer: 'dlq-consumer',
  failedAt: 'dlq-failed-at',
  /** On a marker record the replay command appends: the dead letter (partition:offset) it sent back. */
  replayed: 'dlq-replayed',
  /** On a message the replay command sends to the source topic: the dead letter it came from. */
  replayOf: 'dlq-replay-of',
} as const;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: bigint | string;
  key?: string | undefined;
  value?: string | undefined;
}

/** The record the consumer sends to its dead-letter topic: the original key and value, with why and whence. */
export function deadLetterRecord(topic: string, source: DeadLetterSource, reason: string, consumer: string) {
  return {
    topic,
    key: source.key ?? '',
    value: source.value ?? '',
    headers: {
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.sourceTopic]: source.topic,
      [DLQ_HEADERS.sourcePartition]: String(source.partition),
      [DLQ_HEADERS.sourceOffset]: String(source.offset),
      [DLQ_HEADERS.consumer]: consumer,
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
    },
  };
}

/** Why a message was dead-lettered, as a low-cardinality metric label (the full text is in the dlq-reason header). */
export type DeadLetterReason = 'invalid_message' | 'permanent' | 'attempts_exhausted';

export function deadLetterReason(error: unknown): DeadLetterReason {
  if (error instanceof InvalidMessageError) return 'invalid_message';
  return classifyFailure(error) === 'permanent' ? 'permanent' : 'attempts_exhausted';
}
