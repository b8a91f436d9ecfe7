import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, stringDeserializers, type Message } from '@platformatic/kafka';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from 'pino';
import type { Pool, Tx } from '../db/pool.ts';
import { parseEnvelope, type Envelope } from '../events/envelope.ts';
import { consumerGroup } from '@msa/catalog';
import { topicName, unprefixed } from '../events/topics.ts';
import type { Metrics } from '../metrics.ts';
import { traceConsume, tracedHandler, TRACING_OFF, type Tracing } from '../tracing/index.ts';
import type { KafkaConnection } from './connection.ts';
import { deadLetterReason, deadLetterRecord } from './dead-letter.ts';
import { applyOne, applyTogether, type InboxItem, type Outcome } from './inbox-transaction.ts';
import { classifyFailure, TransientError } from './failure.ts';
import type { StringProducer } from './kafka.ts';
import { PartitionLanes } from './partition-lanes.ts';

export { PermanentError, TransientError } from './failure.ts';

/** A handler changes state (and may enqueue events) inside the transaction that marks the message processed. */
export type EventHandler = (tx: Tx, event: Envelope) => Promise<void>;

/** Handlers by catalog topic name, then by event type; types with no handler are acknowledged and skipped. */
export type HandlerMap = Record<string, Record<string, EventHandler>>;

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
  /** Attempts for a failure of unknown kind before it is dead-lettered (transient ones retry without bound). */
  maxAttempts: number;
  retryBaseMs: number;
  /** The cap on the backoff between two attempts, and between two restarts of the consumer. */
  retryMaxMs: number;
  log: Logger;
  metrics: Metrics;
  /** Continues the trace the message's headers name, in a span around its handling; off when left out. */
  tracing?: Tracing;
}

/**
 * ok: consuming. starting: joining the group. retrying: the message in hand waits on a transient
 * failure (the database or broker is away). restarting: the loop died and is being rebuilt. stopped: shut down.
 */
export type ConsumerState = 'ok' | 'starting' | 'retrying' | 'restarting' | 'stopped';

type StringMessage = Message<string, string, string, string>;
type ClosableStream = AsyncIterable<StringMessage> & { close(): Promise<void> };

/** Messages read ahead of the slowest partition, across all of them. */
const MAX_BUFFERED = 64;
/** Messages of one partition applied in one transaction at most (those that queued while it was busy). */
const MAX_BATCH = 32;
/** How long a batch waits for a row lock before it falls back to one message per transaction. */
const BATCH_LOCK_TIMEOUT_MS = 200;

/**
 * Consumes the service's topics in its own group. Each message's effect and its row in
 * processed_messages commit in one transaction, so a redelivered message changes nothing. The
 * messages that queue up in one partition while it is busy share one transaction and one offset
 * commit (inbox-transaction.ts); if any of them fails, they are applied one by one as below.
 *
 * A message that can never succeed is dead-lettered at once and the offset moves on. A failure that
 * may pass (database unreachable, serialization conflict, restart) is retried with capped backoff for
 * as long as it lasts: nothing is dead-lettered and no offset is committed past it. The loop itself is
 * supervised: when it dies (an offset commit or a dead-letter send fails), it is rebuilt with backoff
 * and resumes from the last committed offset.
 */
export class IdempotentConsumer {
  #opts: ConsumerOptions;
  #consumer?: Consumer<string, string, string, string>;
  #stream?: ClosableStream;
  #supervisor?: Promise<void>;
  #stopping = new AbortController();
  #state: ConsumerState = 'starting';
  /** Messages waiting on a transient failure, by event id, with when they began to fail. */
  #retrying = new Map<string, number>();

  constructor(opts: ConsumerOptions) {
    this.#opts = opts;
    this.#setState('starting');
  }

  get state(): ConsumerState {
    return this.#state === 'ok' && this.#retrying.size > 0 ? 'retrying' : this.#state;
  }

  #setState(state: Exclude<ConsumerState, 'retrying'>): void {
    this.#state = state;
    this.#opts.metrics.consumerUp.set(state === 'ok' ? 1 : 0);
  }

  /** The oldest transient failure in hand sets the gauge: that is the one an alert cares about. */
  #retryingChanged(): void {
    const oldest = Math.min(...this.#retrying.values());
    this.#opts.metrics.consumerRetrySeconds.set(this.#retrying.size === 0 ? 0 : (Date.now() - oldest) / 1000);
  }

  /** Starts consuming in the background: joining the group can take a session timeout, and nothing should wait for it. */
  start(): void {
    this.#supervisor ??= this.#supervise();
  }

  async #supervise(): Promise<void> {
    const { log, metrics, retryBaseMs, retryMaxMs } = this.#opts;
    for (let restarts = 0; !this.#stopping.signal.aborted; restarts++) {
      try {
        await this.#consumeUntilFailure();
      } catch (error) {
        if (this.#stopping.signal.aborted) break;
        this.#setState('restarting');
        metrics.consumerRestarts.inc();
        log.error({ err: error, restarts }, 'consumer loop died; restarting it');
      } finally {
        await this.#closeClient();
      }
      const backoff = Math.min(retryMaxMs, Math.max(retryBaseMs, 100) * 2 ** Math.min(restarts, 10));
      await sleep(backoff, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
    }
    this.#setState('stopped');
  }

  async #consumeUntilFailure(): Promise<void> {
    const { service, topicPrefix, brokers, connection, handlers } = this.#opts;
    this.#consumer = new Consumer({
      ...connection,
      groupId: consumerGroup({ name: service }, { topic: topicPrefix }),
      clientId: `${service}-consumer`,
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 15_000,
      retries: 10,
      retryDelay: 500,
    });
    // The client reports a failed rejoin as an 'error' event: unheard, it would end the process.
    this.#consumer.on('error', (error: unknown) => {
      this.#opts.log.warn({ err: error }, 'consumer lost its group; rebuilding it');
      void this.#stream?.close().catch(() => undefined);
    });
    const topics = Object.keys(handlers).map((t) => topicName(topicPrefix, t));
    const stream = (await this.#consumer.consume({
      topics,
      autocommit: false,
      mode: 'committed',
      fallbackMode: 'earliest',
      maxWaitTime: 200,
    })) as unknown as ClosableStream;
    this.#stream = stream;
    if (this.#stopping.signal.aborted) return;
    this.#setState('ok');
    const lanes = new PartitionLanes<StringMessage>(
      MAX_BUFFERED,
      async (message) => {
        await this.handle(message);
        await message.commit();
      },
      () => void stream.close().catch(() => undefined),
      {
        max: MAX_BATCH,
        run: async (messages) => {
          if (!(await this.#applyBatch(messages))) for (const message of messages) await this.handle(message);
          // One offset commit for the batch: the ones before it are covered by it.
          await messages.at(-1)!.commit();
        },
      },
    );
    try {
      for await (const message of stream) {
        await lanes.push(`${message.topic}:${message.partition}`, message);
        if (lanes.failure || this.#stopping.signal.aborted) break;
      }
    } finally {
      await lanes.settled();
    }
    if (lanes.failure) throw lanes.failure.error;
    if (!this.#stopping.signal.aborted) throw new Error('the message stream ended');
  }

  async #closeClient(): Promise<void> {
    const stream = this.#stream;
    const consumer = this.#consumer;
    this.#stream = undefined;
    this.#consumer = undefined;
    await stream?.close().catch(() => undefined);
    await consumer?.close(true).catch(() => undefined);
  }

  /**
   * Processes one message to an outcome. Throws only when the service is stopping or the dead-letter
   * topic cannot be written: then the offset must not be committed.
   */
  async handle(message: StringMessage): Promise<Outcome> {
    const topic = unprefixed(this.#opts.topicPrefix, message.topic);
    let outcome: Outcome;
    try {
      const event = parseEnvelope(message.value);
      outcome = await traceConsume(this.#opts.tracing ?? TRACING_OFF, message, topic, event, () => this.#applyWithRetries(topic, event));
    } catch (error) {
      if (this.#stopping.signal.aborted) throw error;
      await this.#deadLetter(message, error instanceof Error ? error : new Error(String(error)));
      this.#opts.metrics.deadLettered.inc({ topic, reason: deadLetterReason(error) });
      outcome = 'dead_lettered';
    }
    this.#opts.metrics.consumed.inc({ topic, outcome });
    return outcome;
  }

  /** The messages of one partition in one transaction; false (nothing applied) when any of them needs the one-by-one path. */
  async #applyBatch(messages: StringMessage[]): Promise<boolean> {
    if (this.#stopping.signal.aborted) return false;
    const items: (InboxItem & { topic: string })[] = [];
    for (const message of messages) {
      const topic = unprefixed(this.#opts.topicPrefix, message.topic);
      let event: Envelope;
      try {
        event = parseEnvelope(message.value);
      } catch {
        return false; // dead-lettered by the one-by-one path
      }
      const handler = this.#opts.handlers[topic]?.[event.type];
      items.push({ topic, event, handler: handler && tracedHandler(this.#opts.tracing ?? TRACING_OFF, message, topic, handler) });
    }
    const applied = await applyTogether(this.#opts.pool, this.#opts.service, items, BATCH_LOCK_TIMEOUT_MS);
    if ('failure' in applied) {
      this.#opts.log.debug({ err: applied.failure, messages: items.length }, 'batch rolled back; applying its messages one by one');
      return false;
    }
    applied.outcomes.forEach((outcome, i) => this.#opts.metrics.consumed.inc({ topic: items[i]!.topic, outcome }));
    return true;
  }

  async #applyWithRetries(topic: string, event: Envelope): Promise<Outcome> {
    const handler = this.#opts.handlers[topic]?.[event.type];
    if (!handler) return 'ignored';
    const { maxAttempts, retryBaseMs, retryMaxMs, log, metrics } = this.#opts;
    let failingSince: number | undefined;
    try {
      return await pRetry(
        async () => {
          try {
            return await applyOne(this.#opts.pool, this.#opts.service, handler, event);
          } catch (error) {
            if (classifyFailure(error) === 'permanent') throw new AbortError(error as Error);
            throw error;
          }
        },
        {
          retries: Infinity,
          minTimeout: Math.max(retryBaseMs, 1),
          maxTimeout: retryMaxMs,
          factor: 2,
          randomize: true,
          signal: this.#stopping.signal,
          shouldRetry: ({ error, attemptNumber }) => {
            const kind = classifyFailure(error);
            if (kind !== 'transient') return attemptNumber < maxAttempts;
            failingSince ??= Date.now();
            this.#retrying.set(event.id, failingSince);
            this.#retryingChanged();
            metrics.consumerTransientFailures.inc({ topic });
            return true;
          },
          onFailedAttempt: ({ error, attemptNumber, retryDelay }) =>
            log.warn({ err: error, attempt: attemptNumber, retryInMs: retryDelay, eventId: event.id, type: event.type, kind: classifyFailure(error) }, 'event failed'),
        },
      );
    } finally {
      if (failingSince !== undefined) {
        this.#retrying.delete(event.id);
        this.#retryingChanged();
        log.info({ eventId: event.id, waitedMs: Date.now() - failingSince }, 'transient failure over');
      }
    }
  }

  async #deadLetter(message: StringMessage, error: Error): Promise<void> {
    const { topicPrefix, deadLetterTopic, producer, log, service } = this.#opts;
    log.error({ err: error, topic: message.topic, partition: message.partition, offset: String(message.offset) }, 'message dead-lettered');
    await producer.send({ messages: [deadLetterRecord(topicName(topicPrefix, deadLetterTopic), message, error.message, service)] });
  }

  /** Finishes (or abandons, uncommitted) the message in hand, and leaves the group. */
  async stop(): Promise<void> {
    this.#stopping.abort(new Error('consumer stopping'));
    if (this.#state !== 'ok') {
      // Still joining the group, which can wait out a crashed member's session: nothing is in hand
      // to finish, so nothing waits for the join; the client is closed in the background.
      void this.#closeClient();
      this.#setState('stopped');
      return;
    }
    await this.#stream?.close().catch(() => undefined);
    await this.#supervisor;
    await this.#closeClient();
    this.#setState('stopped');
  }
}
