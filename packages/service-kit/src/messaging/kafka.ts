import { Producer, stringSerializers } from '@platformatic/kafka';
import type { KafkaConnection } from './connection.ts';

export type StringProducer = Producer<string, string, string, string>;

/** `connection`: how to reach the brokers (TLS, SASL), from kafkaConnectionOptions; plain text when left out. */
export function createProducer(clientId: string, brokers: string[], connection: KafkaConnection = {}): StringProducer {
  // Idempotent producer with acks=all: a retried send never writes a message twice to a partition.
  return new Producer({
    ...connection,
    clientId,
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    retries: 5,
    retryDelay: 200,
    timeout: 5_000,
  });
}
