import type { z } from 'zod';
import { PermanentError } from '../messaging/failure.ts';

/**
 * What a producer publishes: per topic (its catalog name), per event type, the zod schema of the
 * event's `data`. A service declares it in its own folder (src/events.ts); the kit checks every
 * publish against it, and `npm run events -- render` turns it into the committed JSON Schemas.
 * Each schema carries examples (`.meta({ examples })`) that consumers' tests read.
 */
export type EventSchemas = Readonly<Record<string, Readonly<Record<string, z.ZodType>>>>;

/**
 * A publish the producer's own contract refuses: a programming error, so it is thrown, never queued.
 * No retry of the same message can fix it, so a consumer handler that hits it dead-letters the message at once.
 */
export class EventContractError extends PermanentError {
  readonly topic: string;
  readonly type: string;
  /** The path inside data, dot-separated; empty when the type itself is undeclared. */
  readonly field: string;

  constructor(topic: string, type: string, field: string, reason: string) {
    super(`${type} on ${topic} breaks its producer's event schema${field ? ` at "data.${field}"` : ''}: ${reason}`);
    this.name = 'EventContractError';
    this.topic = topic;
    this.type = type;
    this.field = field;
  }
}

/** Refuses data its producer's schema rejects, naming topic, type and field; one zod parse, nothing more. */
export function checkEventData(schemas: EventSchemas, topic: string, type: string, data: unknown): void {
  const schema = schemas[topic]?.[type];
  if (!schema) {
    const declared = Object.keys(schemas[topic] ?? {}).join(', ') || 'none';
    throw new EventContractError(topic, type, '', `the service declares no schema for it (src/events.ts; declared on ${topic}: ${declared})`);
  }
  const result = schema.safeParse(data);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  throw new EventContractError(topic, type, issue.path.join('.'), issue.message);
}

/** The declared topics must be ones the catalog says the service produces, so the contract cannot lie either. */
export function checkDeclaredTopics(service: string, schemas: EventSchemas, produced: readonly string[]): void {
  for (const topic of Object.keys(schemas)) {
    if (!produced.includes(topic)) {
      throw new Error(`${service} declares events on "${topic}" but service.yaml topics.produces does not list it`);
    }
  }
}
