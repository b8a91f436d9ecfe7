import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ENVELOPE_SCHEMA_FILE, EVENTS_DIR, EVENTS_MODULE, eventSchemaPath, type Catalog, type Service } from '@msa/catalog';
import type { EventSchemas } from './contract.ts';
import { envelopeSchema } from './envelope.ts';

/**
 * The language-neutral event contract, generated from the producers' zod schemas (z.toJSONSchema,
 * JSON Schema 2020-12). Objects are published open (no `additionalProperties: false`): the kit
 * holds producers to their declared fields at publish, while a consumer in any language must
 * accept a field added later, which is what makes an additive optional field a safe change.
 */
export function toContractSchema(schema: z.ZodType, title: string, source: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'throw' }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { $schema, $comment: `generated from ${source} by npm run events -- render: do not edit`, title, ...open(rest) };
}

function open(node: unknown): any {
  if (Array.isArray(node)) return node.map(open);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // Examples are data, not schema: kept exactly as the producer wrote them.
    if (k === 'examples') out[k] = v;
    else if (!(k === 'additionalProperties' && v === false)) out[k] = open(v);
  }
  return out;
}

const text = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;

/** The producer's declared events (its src/events.ts exports `events`); only Node.js services have one. */
export async function producerEvents(service: Service): Promise<EventSchemas | undefined> {
  if (service.runtime.language !== 'node' || service.topics.produces.length === 0) return undefined;
  const file = path.join(service.dir, EVENTS_MODULE);
  if (!existsSync(file)) throw new Error(`${service.name} produces ${service.topics.produces.join(', ')} but has no ${EVENTS_MODULE} declaring its events`);
  const mod = (await import(pathToFileURL(file).href)) as { events?: EventSchemas };
  if (!mod.events) throw new Error(`apps/${service.name}/${EVENTS_MODULE} must export \`events\` (service-kit's EventSchemas)`);
  for (const topic of service.topics.produces) {
    if (!mod.events[topic]) throw new Error(`${service.name} produces ${topic} but ${EVENTS_MODULE} declares no events on it`);
  }
  return mod.events;
}

/** Every generated file, repository-relative path → text: the envelope's schema and one per event type. */
export async function renderEventContract(catalog: Catalog): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    [ENVELOPE_SCHEMA_FILE]: text(toContractSchema(envelopeSchema, 'Envelope', 'packages/service-kit/src/events/envelope.ts')),
  };
  for (const service of catalog.services) {
    const events = await producerEvents(service);
    const folder = path.relative(catalog.root, service.dir).split(path.sep).join('/');
    for (const [topic, types] of Object.entries(events ?? {})) {
      if (!service.topics.produces.includes(topic)) throw new Error(`${service.name} declares events on ${topic}, which its service.yaml does not produce`);
      for (const [type, schema] of Object.entries(types)) {
        files[`${folder}/${eventSchemaPath(topic, type)}`] = text(toContractSchema(schema, type, `${folder}/${EVENTS_MODULE}`));
      }
    }
  }
  return files;
}

/** Committed schema files of generating (Node.js) producers that the render no longer gives: stale too. */
export function orphanSchemaFiles(catalog: Catalog, generated: Record<string, string>): string[] {
  const orphans: string[] = [];
  for (const service of catalog.services.filter((s) => s.runtime.language === 'node')) {
    const base = path.join(service.dir, EVENTS_DIR);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const rel = path.relative(catalog.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      if (!(rel in generated)) orphans.push(rel);
    }
  }
  return orphans.sort();
}
