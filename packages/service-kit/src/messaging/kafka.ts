import { Producer, stringSerializers } from '@platformatic/kafka';

export type StringProducer = Producer<string, string, string, string>;

export function createProducer(clientId: string, brokers: string[]): StringProducer {
  // Idempotent producer with acks=all: a retried send never writes a message twice to a partition.
  return new Producer({
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
