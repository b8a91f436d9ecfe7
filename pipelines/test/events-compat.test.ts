import { execFileSync, spawnSync } from 'node:child_process';
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findRepoRoot } from '@msa/catalog';
import { eventsCompatCommand } from '../src/commands/events-compat.ts';
import { compareSchemas, describeBreak, type JsonSchema } from '../src/events-compat/compare.ts';
import { TempRepo } from './support/repo.ts';

const realRoot = findRepoRoot();
const PLACED = 'apps/order/events/order.events/OrderPlaced.schema.json';
const CANCELLED = 'apps/order/events/order.events/OrderCancelled.schema.json';
const placed = (): JsonSchema => JSON.parse(readFileSync(path.join(realRoot, PLACED), 'utf8'));
const obj = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema => ({ type: 'object', properties, required });
const changes = (base: JsonSchema, head: JsonSchema) => compareSchemas('order.events', 'OrderPlaced', base, head).map(describeBreak);

describe('a change to an event schema, judged from a consumer in any language', () => {
  it.each([
    ['a removed property', obj({ a: { type: 'string' }, b: { type: 'string' } }), obj({ a: { type: 'string' } }), 'data.b: removed (or renamed)'],
    ['a type change', obj({ a: { type: 'string' } }), obj({ a: { type: 'integer' } }), 'data.a: type changed from string to integer'],
    ['an integer widened to any number', obj({ a: { type: 'integer' } }), obj({ a: { type: 'number' } }), 'data.a: type changed from integer to number'],
    ['a field made nullable', obj({ a: { type: 'string' } }), obj({ a: { anyOf: [{ type: 'string' }, { type: 'null' }] } }), 'data.a: type changed from string to null | string'],
    ['an optional property made required', obj({ a: { type: 'string' } }, []), obj({ a: { type: 'string' } }), 'data.a: made required (it was optional)'],
    ['a new required property', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' }, b: { type: 'string' } }), 'data.b: added as required'],
    ['a required property made optional', obj({ a: { type: 'string' } }), obj({ a: { type: 'string' } }, []), 'data.a: made optional (it was required)'],
    ['an enum value removed', obj({ s: { type: 'string', enum: ['A', 'B'] } }), obj({ s: { type: 'string', enum: ['A'] } }), 'data.s: enum value "B" removed'],
    ['a nested field renamed inside array items', obj({ items: { type: 'array', items: obj({ sku: { type: 'string' } }, []) } }), obj({ items: { type: 'array', items: obj({ code: { type: 'string' } }, []) } }), 'data.items[].sku: removed'],
  ])('refuses %s, naming topic, type and field', (_what, base, head, expected) => {
    const found = changes(base, head);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`order.events OrderPlaced ${expected}`);
  });

  it.each([
    ['an added optional property', obj({ a: { type: 'string' } }), { ...obj({ a: { type: 'string' } }), properties: { a: { type: 'string' }, note: { type: 'string' } } }],
    ['an integer narrowed from a number', obj({ a: { type: 'number' } }), obj({ a: { type: 'integer' } })],
    ['an added enum value', obj({ s: { type: 'string', enum: ['A'] } }), obj({ s: { type: 'string', enum: ['A', 'B'] } })],
    ['a changed description', obj({ a: { type: 'string', description: 'x' } }), obj({ a: { type: 'string', description: 'y' } })],
    ['the real OrderPlaced against itself', placed(), placed()],
  ])('lets through %s', (_what, base, head) => {
    expect(changes(base, head)).toEqual([]);
  });
});

describe("the comparer on the schemas the real render wrote (npm run events -- render), not on hand-made ones", () => {
  const committed = globSync('apps/*/events/*/*.schema.json', { cwd: realRoot }).map((rel) => {
    const [, service, , topic, file] = rel.split('/');
    return { service: service!, topic: topic!, type: file!.replace('.schema.json', ''), schema: JSON.parse(readFileSync(path.join(realRoot, rel), 'utf8')) as JsonSchema };
  });

  it('finds every committed event schema unchanged against itself', () => {
    expect(committed.length).toBeGreaterThanOrEqual(10);
    for (const c of committed) expect(compareSchemas(c.topic, c.type, c.schema, structuredClone(c.schema)), `${c.topic} ${c.type}`).toEqual([]);
  });

  it("names each required field removed from a real schema, at the path a consumer reads it", () => {
    for (const c of committed) {
      const required = (c.schema.required as string[] | undefined) ?? [];
      for (const field of required) {
        const head = structuredClone(c.schema);
        delete (head.properties as Record<string, unknown>)[field];
        head.required = required.filter((r) => r !== field);
        const found = compareSchemas(c.topic, c.type, c.schema, head).map(describeBreak);
        expect(found.some((b) => b.startsWith(`${c.topic} ${c.type} data.${field}: removed`)), `${c.topic} ${c.type} ${field}: ${found.join("; ")}`).toBe(true);
      }
    }
  });
});

describe('npm run pipeline -- events-compat --base <ref>, in a repository', () => {
  let repo: TempRepo;
  afterEach(() => repo?.cleanup());

  /** A producer (order) and a consumer (inventory) of order.events, with two committed schemas, on main; then a branch. */
  function fixture(): TempRepo {
    repo = new TempRepo('msa-events-compat-');
    const service = (name: string, port: number, topics: string) =>
      `name: ${name}\nteam: t\ndescription: ${name}\nport: ${port}\ndatabase:\n  name: ${name}_svc\ntopics:\n${topics}\nscaling:\n  minReplicas: 1\n  maxReplicas: 2\n`;
    repo.write('apps/order/service.yaml', service('order', 4101, '  produces: [order.events]'));
    repo.write('apps/inventory/service.yaml', service('inventory', 4102, '  consumes: [order.events]'));
    repo.write(PLACED, JSON.stringify(placed(), null, 2));
    repo.write(CANCELLED, readFileSync(path.join(realRoot, CANCELLED), 'utf8'));
    repo.write('packages/catalog/events/envelope.schema.json', readFileSync(path.join(realRoot, 'packages/catalog/events/envelope.schema.json'), 'utf8'));
    repo.commit('the contract');
    repo.git('checkout', '--quiet', '-b', 'change');
    return repo;
  }
  const editPlaced = (edit: (s: any) => void) => {
    const s = placed();
    edit(s);
    repo.write(PLACED, JSON.stringify(s, null, 2));
  };
  const run = (r: TempRepo) => eventsCompatCommand({ root: r.root, base: 'main', print: () => undefined });

  it('fails on a renamed field, naming topic, type and field, through the CLI with exit code 1', () => {
    const r = fixture();
    editPlaced((s) => {
      const item = s.properties.items.items;
      item.properties.qty = item.properties.quantity;
      delete item.properties.quantity;
      item.required = ['sku', 'qty'];
    });
    r.commit('rename quantity');
    const cli = spawnSync(process.execPath, [path.join(realRoot, 'pipelines/src/cli.ts'), '--root', r.root, 'events-compat', '--base', 'main'], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(1);
    expect(cli.stdout).toContain('order.events OrderPlaced data.items[].quantity: removed (or renamed)');
    expect(cli.stdout).toContain('order.events OrderPlaced data.items[].qty: added as required');
  });

  it('passes an added optional field, uncommitted in the working tree', async () => {
    fixture();
    editPlaced((s) => (s.properties.giftNote = { type: 'string' }));
    const result = await run(repo);
    expect(result.compared).toBe(3);
    expect(result.breaks).toEqual([]);
  });

  it('fails on a removed event type while the catalog says a service consumes its topic, and passes once none does', async () => {
    const r = fixture();
    r.remove(CANCELLED);
    expect((await run(r)).breaks.map(describeBreak)).toEqual(['order.events OrderCancelled: event type removed while inventory consumes order.events (catalog)']);
    r.write('apps/inventory/service.yaml', r.read('apps/inventory/service.yaml').replace('  consumes: [order.events]', '  consumes: []'));
    expect((await run(r)).breaks).toEqual([]);
  });

  it('compares from the merge base, so what main gained since the branch is not taken for a removal', async () => {
    const r = fixture();
    r.git('checkout', '--quiet', 'main');
    r.write('apps/order/events/order.events/OrderShipped.schema.json', JSON.stringify(obj({ orderId: { type: 'string' } })));
    r.commit('main adds a type');
    r.git('checkout', '--quiet', 'change');
    expect(execFileSync('git', ['log', '--oneline', 'main'], { cwd: r.root, encoding: 'utf8' })).toContain('main adds a type');
    expect((await run(r)).breaks).toEqual([]);
  });
});
