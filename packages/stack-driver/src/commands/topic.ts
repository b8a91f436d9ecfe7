// `npm run -s pulumi:topic -- <topic> [--brokers 127.0.0.1:59092] [--max N]`: prints a topic's
// messages from the beginning (key, headers, value), one JSON line each, until interrupted.
// The stack output `topics` gives this command for each of a stack's topics.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Consumer, stringDeserializers } from '@platformatic/kafka';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { brokers: { type: 'string', default: '127.0.0.1:59092' }, max: { type: 'string' } },
});
const topic = positionals[0];
if (!topic) {
  console.error('usage: topic.ts <topic> [--brokers host:port,...] [--max N]');
  process.exit(2);
}
const max = values.max ? Number(values.max) : Infinity;
// A group of its own each time, so reading never moves any service's offsets.
const consumer = new Consumer({
  groupId: `msa-topic-reader-${randomUUID()}`,
  clientId: 'msa-topic-reader',
  bootstrapBrokers: (values.brokers ?? '').split(','),
  deserializers: stringDeserializers,
});
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
process.once('SIGINT', () => void stream.close().then(() => consumer.close()));
let seen = 0;
for await (const message of stream) {
  const headers = Object.fromEntries([...(message.headers ?? new Map())].map(([k, v]) => [String(k), String(v)]));
  console.log(JSON.stringify({ partition: message.partition, offset: String(message.offset), key: message.key, headers, value: message.value }));
  if (++seen >= max) break;
}
await stream.close();
await consumer.close();
