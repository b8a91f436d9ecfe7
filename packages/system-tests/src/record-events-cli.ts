import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { orderReaches, request } from './index.ts';
import { readTopic } from './kafka.ts';
import { TestSystem } from './system.ts';

/**
 * Records the events of one real run of the saga's three paths (confirmed, rejected, cancelled by a
 * failed delivery) as the producers published them, for consumers in other languages to test
 * against (apps/tracking's Go tests). Run: node packages/system-tests/src/record-events-cli.ts
 * (the local servers up: npm run servers -- start). Writes one JSON line per event: {topic, value}.
 */
const OUT = 'apps/tracking/internal/events/testdata/recorded.jsonl';

const system = await TestSystem.start({ only: ['order', 'inventory', 'delivery'] });
try {
  const order = system.url('order');
  const inventory = system.url('inventory');
  const paths = [
    { sku: 'apple', available: 10, quantity: 3, address: '1 Main Street', status: 'CONFIRMED' },
    { sku: 'pear', available: 2, quantity: 5, address: '1 Main Street', status: 'REJECTED' },
    { sku: 'plum', available: 4, quantity: 4, address: 'Nowhere Island', status: 'CANCELLED' },
  ];
  const ids: string[] = [];
  for (const p of paths) {
    await request('PUT', `${inventory}/stock/${p.sku}`, { available: p.available });
    const placed = await request('POST', `${order}/orders`, { items: [{ sku: p.sku, quantity: p.quantity }], address: p.address });
    await orderReaches(order, placed.json.id, p.status);
    ids.push(placed.json.id);
  }
  const lines: string[] = [];
  for (const topic of ['order.events', 'inventory.events', 'delivery.events']) {
    // Every order of this run is final, so each topic holds all it will: read until quiet.
    const read = await readTopic(system.servers.kafka.brokers, `${system.prefix}${topic}`, () => false, 5_000);
    for (const m of read.filter((r) => ids.includes(r.key))) lines.push(JSON.stringify({ topic, value: JSON.parse(m.value) }));
  }
  writeFileSync(path.join(system.root, OUT), `${lines.join('\n')}\n`);
  console.log(`recorded ${lines.length} events of ${ids.length} orders in ${OUT}`);
} finally {
  await system.close();
}
