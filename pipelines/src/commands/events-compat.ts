import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVELOPE_SCHEMA_FILE, loadCatalog, parseEventSchemaPath } from '@msa/catalog';
import { Git } from '../git/git.ts';
import { compareSchemas, describeBreak, type Break, type JsonSchema } from '../events-compat/compare.ts';

export interface EventsCompatOptions {
  root: string;
  /** Compare from the merge base of this ref and HEAD with the working tree. */
  base: string;
  print?: (text: string) => void;
}

export interface EventsCompatResult {
  mergeBase: string;
  compared: number;
  breaks: Break[];
}

const parse = (file: string, text: string): JsonSchema => {
  try {
    return JSON.parse(text) as JsonSchema;
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
};

/** The event schemas at a commit, by "topic/type" (a schema that moved to another producer's folder is the same type). */
async function schemasAt(git: Git, ref: string): Promise<Map<string, { file: string; topic: string; type: string }>> {
  const out = await git.run(['ls-tree', '-r', '--name-only', ref, '--', 'apps']);
  const found = new Map<string, { file: string; topic: string; type: string }>();
  for (const file of out.split('\n')) {
    const at = parseEventSchemaPath(file);
    if (at) found.set(`${at.topic}/${at.type}`, { file, topic: at.topic, type: at.type });
  }
  return found;
}

/**
 * Each event schema committed at the base against the working tree: a change that can break a
 * consumer in any language is a failure naming topic, type and field. A removed type breaks only
 * while some service still consumes its topic, per the catalog of the working tree.
 */
export async function eventsCompatCommand(opts: EventsCompatOptions): Promise<EventsCompatResult> {
  const print = opts.print ?? ((t: string) => process.stdout.write(t + '\n'));
  const git = new Git(opts.root);
  const mergeBase = await git.mergeBase(await git.revParse(opts.base), 'HEAD');
  const catalog = loadCatalog(opts.root);
  const head = new Map<string, string>();
  for (const s of catalog.services) {
    for (const file of (await git.run(['ls-files', '--cached', '--others', '--exclude-standard', '--', path.relative(opts.root, s.dir)])).split('\n')) {
      const at = parseEventSchemaPath(file);
      if (at && existsSync(path.join(opts.root, file))) head.set(`${at.topic}/${at.type}`, file);
    }
  }
  const breaks: Break[] = [];
  let compared = 0;
  for (const [key, was] of await schemasAt(git, mergeBase)) {
    compared++;
    const base = parse(`${was.file}@${mergeBase.slice(0, 10)}`, (await git.show(mergeBase, was.file))!);
    const now = head.get(key);
    if (!now) {
      const consumers = catalog.services.filter((s) => s.topics.consumes.includes(was.topic)).map((s) => s.name);
      if (consumers.length > 0) breaks.push({ topic: was.topic, type: was.type, field: '', change: `event type removed while ${consumers.join(', ')} consume${consumers.length === 1 ? 's' : ''} ${was.topic} (catalog)` });
      continue;
    }
    breaks.push(...compareSchemas(was.topic, was.type, base, parse(now, readFileSync(path.join(opts.root, now), 'utf8'))));
  }
  const envelopeBase = await git.show(mergeBase, ENVELOPE_SCHEMA_FILE);
  const envelopeHead = path.join(opts.root, ENVELOPE_SCHEMA_FILE);
  if (envelopeBase !== undefined) {
    compared++;
    if (!existsSync(envelopeHead)) breaks.push({ topic: '*', type: 'envelope', field: '', change: `${ENVELOPE_SCHEMA_FILE} removed` });
    else breaks.push(...compareSchemas('*', 'envelope', parse(ENVELOPE_SCHEMA_FILE, envelopeBase), parse(ENVELOPE_SCHEMA_FILE, readFileSync(envelopeHead, 'utf8'))));
  }
  print(`Event contract ${mergeBase.slice(0, 10)}..working tree: ${compared} schema(s) compared, ${breaks.length} breaking change(s)`);
  for (const b of breaks) print(`  ${describeBreak(b)}`);
  if (breaks.length > 0) {
    print('A consumer in another language reads these events as the base declared them. Add an optional field instead, or publish a new event type beside the old one until every consumer (catalog topics.consumes) has moved.');
  }
  return { mergeBase, compared, breaks };
}
