/**
 * Compares two versions of one event type's JSON Schema for changes that can break a consumer
 * written in any language. The subset read is what zod's z.toJSONSchema emits for event data:
 * `type`, `const`, `enum`, `anyOf`/`oneOf` (their types), `properties`/`required` and array
 * `items`. A consumer reads what producers wrote under the old schema and what they write under
 * the new one, so each change is judged from the reader's side.
 */
export type JsonSchema = { [key: string]: unknown };

export interface Break {
  /** The topic (catalog name), or "*" for the envelope every topic shares. */
  topic: string;
  /** The event type, or "envelope". */
  type: string;
  /** Where in the event: data.items[].sku; empty for the whole type. */
  field: string;
  /** What changed, for the person reading the CI log. */
  change: string;
}

/** The JSON types a schema admits; undefined means any (no constraint the subset understands). */
export function typesOf(node: JsonSchema): Set<string> | undefined {
  const branches = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (branches) {
    const all = new Set<string>();
    for (const b of branches) {
      const t = typesOf(b);
      if (!t) return undefined;
      t.forEach((x) => all.add(x));
    }
    return all;
  }
  if (typeof node.type === 'string') return new Set([node.type]);
  if (Array.isArray(node.type)) return new Set(node.type as string[]);
  const values = 'const' in node ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (values) return new Set(values.map((v) => (v === null ? 'null' : Number.isInteger(v) ? 'integer' : Array.isArray(v) ? 'array' : typeof v)));
  return undefined;
}

/** Every value of `head` is a value of `base` (integer is a kind of number). */
function admitsOnly(base: Set<string> | undefined, head: Set<string> | undefined): boolean {
  if (!base) return true;
  if (!head) return false;
  return [...head].every((t) => base.has(t) || (t === 'integer' && base.has('number')));
}

const show = (types: Set<string> | undefined) => (types ? [...types].sort().join(' | ') : 'any');
const props = (node: JsonSchema) => (node.properties ?? {}) as Record<string, JsonSchema>;
const required = (node: JsonSchema) => new Set((node.required ?? []) as string[]);
const join = (at: string, key: string) => (at ? `${at}.${key}` : key);

function walk(base: JsonSchema, head: JsonSchema, at: string, found: (field: string, change: string) => void): void {
  const [bt, ht] = [typesOf(base), typesOf(head)];
  if (!admitsOnly(bt, ht)) found(at, `type changed from ${show(bt)} to ${show(ht)}`);
  if (Array.isArray(base.enum)) {
    const now = Array.isArray(head.enum) ? (head.enum as unknown[]) : undefined;
    if (!now) found(at, `no longer limited to ${JSON.stringify(base.enum)}`);
    else for (const v of base.enum) if (!now.some((n) => JSON.stringify(n) === JSON.stringify(v))) found(at, `enum value ${JSON.stringify(v)} removed`);
  }
  const [bp, hp, br, hr] = [props(base), props(head), required(base), required(head)];
  for (const [key, was] of Object.entries(bp)) {
    const field = join(at, key);
    if (!(key in hp)) found(field, 'removed (or renamed): a consumer reading it finds nothing');
    else walk(was, hp[key]!, field, found);
  }
  for (const key of hr) {
    if (br.has(key)) continue;
    found(join(at, key), key in bp ? 'made required (it was optional)' : 'added as required (only an optional field may be added)');
  }
  for (const key of br) if (!hr.has(key) && key in hp) found(join(at, key), 'made optional (it was required): a consumer relying on it breaks');
  if (base.items && typeof base.items === 'object' && head.items && typeof head.items === 'object') {
    walk(base.items as JsonSchema, head.items as JsonSchema, `${at}[]`, found);
  }
}

/** The breaking changes from base to head of one event type's schema; none means every consumer still reads it. */
export function compareSchemas(topic: string, type: string, base: JsonSchema, head: JsonSchema, root = type === 'envelope' ? '' : 'data'): Break[] {
  const breaks: Break[] = [];
  walk(base, head, root, (field, change) => breaks.push({ topic, type, field, change }));
  return breaks;
}

export const describeBreak = (b: Break) => `${b.topic === '*' ? 'every topic' : b.topic} ${b.type}${b.field ? ` ${b.field}` : ''}: ${b.change}`;
