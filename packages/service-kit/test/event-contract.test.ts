import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { checkEventData, EventContractError, envelopeSchema, PermanentError, type EventSchemas } from '../src/index.ts';
import { checkDeclaredTopics } from '../src/events/contract.ts';
import { orphanSchemaFiles, producerEvents, renderEventContract } from '../src/events/contract-render.ts';

const root = findRepoRoot();
const catalog = loadCatalog(root);
const schemas: EventSchemas = {
  'order.events': { OrderPlaced: z.strictObject({ orderId: z.uuid(), items: z.array(z.strictObject({ sku: z.string(), quantity: z.number().int() })).min(1) }) },
};
const ORDER = '5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01';

describe('publishing against the producer\'s own event schema', () => {
  it('lets through data its schema accepts', () => {
    expect(() => checkEventData(schemas, 'order.events', 'OrderPlaced', { orderId: ORDER, items: [{ sku: 'apple', quantity: 1 }] })).not.toThrow();
  });

  it('refuses data its schema rejects, naming the topic, the type and the field', () => {
    const publish = () => checkEventData(schemas, 'order.events', 'OrderPlaced', { orderId: ORDER, items: [{ sku: 'apple', quantity: 'two' }] });
    expect(publish).toThrow(EventContractError);
    expect(publish, 'a consumer dead-letters it at once: no retry fixes it').toThrow(PermanentError);
    expect(publish).toThrow(/OrderPlaced on order\.events .*"data\.items\.0\.quantity"/);
  });

  it('refuses a field the producer did not declare, so the contract names every field it sends', () => {
    expect(() => checkEventData(schemas, 'order.events', 'OrderPlaced', { orderId: ORDER, items: [{ sku: 'a', quantity: 1 }], note: 'x' })).toThrow(/OrderPlaced on order\.events/);
  });

  it('refuses an event type the producer did not declare, saying which it did', () => {
    expect(() => checkEventData(schemas, 'order.events', 'OrderShipped', { orderId: ORDER })).toThrow(/OrderShipped on order\.events .*declared on order\.events: OrderPlaced/);
  });

  it('refuses at start a declaration on a topic the catalog does not let the service produce', () => {
    expect(() => checkDeclaredTopics('order', schemas, ['inventory.events'])).toThrow(/order declares events on "order.events" but service.yaml topics.produces does not list it/);
    expect(() => checkDeclaredTopics('order', schemas, ['order.events'])).not.toThrow();
  });
});

describe('the committed event contract', () => {
  it('is what npm run events -- render writes from the producers\' zod schemas today', async () => {
    const files = await renderEventContract(catalog);
    for (const [rel, text] of Object.entries(files)) {
      expect(readFileSync(path.join(root, rel), 'utf8'), `${rel} is stale: run npm run events -- render and commit it`).toBe(text);
    }
    expect(orphanSchemaFiles(catalog, files), 'schema files no producer declares any more').toEqual([]);
  });

  it('has one schema per type for every topic a Node.js service produces, each with examples its own schema accepts', async () => {
    for (const service of catalog.services) {
      const events = await producerEvents(service);
      for (const topic of events ? service.topics.produces : []) {
        const types = Object.entries(events![topic]!);
        expect(types.length, `${service.name} declares no event on ${topic}`).toBeGreaterThan(0);
        for (const [type, schema] of types) {
          const examples = (z.toJSONSchema(schema) as { examples?: unknown[] }).examples ?? [];
          expect(examples.length, `${topic} ${type} has no examples (.meta({ examples }))`).toBeGreaterThan(0);
          for (const example of examples) expect(() => checkEventData(events!, topic, type, example)).not.toThrow();
        }
      }
    }
  });

  it('gives the envelope examples the kit itself parses', () => {
    const committed = JSON.parse(readFileSync(path.join(root, 'packages/catalog/events/envelope.schema.json'), 'utf8')) as { examples: unknown[] };
    expect(committed.examples.length).toBeGreaterThan(0);
    for (const example of committed.examples) expect(envelopeSchema.safeParse(example).success).toBe(true);
  });
});
