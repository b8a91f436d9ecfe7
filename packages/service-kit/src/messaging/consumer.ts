import { Consumer, stringDeserializers, type Message } from '@platformatic/kafka';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from 'pino';
import { withTransaction, type Pool, type Tx } from '../db/pool.ts';
import { InvalidMessageError, parseEnvelope, type Envelope } from '../events/envelope.ts';
import { topicName, unprefixed } from '../events/topics.ts';
import type { Metrics } from '../metrics.ts';
import type { KafkaConnection } from './connection.ts';
import type { StringProducer } from './kafka.ts';

/** A handler changes state (and may enqueue events) inside the transaction that marks the message processed. */
export type EventHandler = (tx: Tx, event: Envelope) => Promise<void>;

/** Handlers by catalog topic name, then by event type; types with no handler are acknowledged and skipped. */
export type HandlerMap = Record<string, Record<string, EventHandler>>;

/** A failure that no retry can fix: the message goes to the dead-letter topic at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

export interface ConsumerOptions {
  service: string;
  brokers: string[];
  /** How to reach the brokers (TLS, SASL): the same as the service's producer. */
  connection?: KafkaConnection;
  topicPrefix: string;
  deadLetterTopic: string;
  handlers: HandlerMap;
  pool: Pool;
  producer: StringProducer;
  maxAttempts: number;
  retryBaseMs: number;
  log: Logger;
  metrics: Metrics;
}

type Outcome = 'processed' | 'duplicate' | 'ignored' | 'dead_lettered';
type StringMessage = Message<string, string, string, string>;
type ClosableStream = AsyncIterable<StringMessage> & { close(): Promise<void> };

/**
 * Consumes the service's topics in its own group. Each message's effect and its row in
 * processed_messages commit in one transaction, so a redelivered message changes nothing.
 * A message that still fails after bounded retries is dead-lettered with its reason, and the
 * offset moves on: one poison message never stops the consumer.
 */
export class IdempotentConsumer {
  #opts: ConsumerOptions;
  #consumer: Consumer<string, string, string, string>;
  #loop?: Promise<void>;
  #stopping = false;
  #stream?: ClosableStream;

  constructor(opts: ConsumerOptions) {
    this.#opts = opts;
    this.#consumer = new Consumer({
      ...opts.connection,
      groupId: `${opts.topicPrefix}${opts.service}`,
      clientId: `${opts.service}-consumer`,
      bootstrapBrokers: opts.brokers,
      deserializers: stringDeserializers,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 15_000,
      retries: 10,
      retryDelay: 500,
    });
  }

  get connected(): boolean {
    return this.#consumer.isConnected?.() ?? true;
  }

  async start(): Promise<void> {
    const topics = Object.keys(this.#opts.handlers).map((t) => topicName(this.#opts.topicPrefix, t));
    const stream = await this.#consumer.consume({
      topics,
      autocommit: false,
      mode: 'committed',
      fallbackMode: 'earliest',
      maxWaitTime: 200,
    });
    this.#stream = stream as unknown as ClosableStream;
    this.#loop = (async () => {
      for await (const message of stream) {
        await this.handle(message);
        await message.commit();
        if (this.#stopping) break;
      }
    })().catch((error: unknown) => {
      if (!this.#stopping) this.#opts.log.error({ err: error }, 'consumer loop ended');
    });
  }

  /** Processes one message to an outcome; never throws for a message's own fault. */
  async handle(message: StringMessage): Promise<Outcome> {
    const topic = unprefixed(this.#opts.topicPrefix, message.topic);
    let outcome: Outcome;
    try {
      const event = parseEnvelope(message.value);
      outcome = await this.#applyWithRetries(topic, event);
    } catch (error) {
      await this.#deadLetter(message, error instanceof Error ? error : new Error(String(error)));
      outcome = 'dead_lettered';
    }
    this.#opts.metrics.consumed.inc({ topic, outcome });
    return outcome;
  }

  async #applyWithRetries(topic: string, event: Envelope): Promise<Outcome> {
    const handler = this.#opts.handlers[topic]?.[event.type];
    if (!handler) return 'ignored';
    return pRetry(
      async () => {
        try {
          return await this.#applyOnce(handler, event);
        } catch (error) {
          if (error instanceof PermanentError || error instanceof InvalidMessageError) throw new AbortError(error);
          throw error;
        }
      },
      {
        retries: this.#opts.maxAttempts - 1,
        minTimeout: this.#opts.retryBaseMs,
        factor: 2,
        randomize: true,
        onFailedAttempt: ({ error, attemptNumber }) =>
          this.#opts.log.warn({ err: error, attempt: attemptNumber, eventId: event.id, type: event.type }, 'event failed; retrying'),
      },
    );
  }

  async #applyOnce(handler: EventHandler, event: Envelope): Promise<Outcome> {
    return withTransaction(this.#opts.pool, async (tx) => {
      const mark = await tx.query(
        'INSERT INTO processed_messages (message_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [event.id, this.#opts.service],
      );
      if (mark.rowCount === 0) return 'duplicate';
      await handler(tx, event);
      return 'processed';
    });
  }

  async #deadLetter(message: StringMessage, error: Error): Promise<void> {
    const { topicPrefix, deadLetterTopic, producer, log, service } = this.#opts;
    log.error({ err: error, topic: message.topic, partition: message.partition, offset: String(message.offset) }, 'message dead-lettered');
    await producer.send({
      messages: [
        {
          topic: topicName(topicPrefix, deadLetterTopic),
          key: message.key ?? '',
          value: message.value ?? '',
          headers: {
            'dlq-reason': error.message,
            'dlq-source-topic': message.topic,
            'dlq-source-partition': String(message.partition),
            'dlq-source-offset': String(message.offset),
            'dlq-consumer': service,
          },
        },
      ],
    });
  }

  /** Finishes the message in hand, commits it, and leaves the group. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#stream?.close().catch(() => undefined);
    await this.#loop;
    await this.#consumer.close(true).catch(() => undefined);
  }
}
