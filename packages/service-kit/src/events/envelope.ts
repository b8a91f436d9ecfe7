import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Every event on every topic has this shape; `key` is the order id, so one order's events stay in order. */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  key: z.string().min(1),
  source: z.string().min(1),
  occurredAt: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()).describe("the event's own fields: its type's schema in the producer's folder, apps/<svc>/events/<topic>/<Type>.schema.json"),
}).meta({
  examples: [
    {
      id: '7d3f0a4e-1c2b-4d5e-8f60-718293a4b5c6',
      type: 'OrderPlaced',
      key: '5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01',
      source: 'order',
      occurredAt: '2026-11-30T12:00:00.000Z',
      data: { orderId: '5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01', items: [{ sku: 'apple', quantity: 2 }], address: '1 Main Street' },
    },
  ],
});

export type Envelope = z.infer<typeof envelopeSchema>;

export function newEnvelope(source: string, type: string, key: string, data: Record<string, unknown>): Envelope {
  return { id: randomUUID(), type, key, source, occurredAt: new Date().toISOString(), data };
}

export class InvalidMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidMessageError';
  }
}

/** Parses a raw Kafka value; a message that is not a valid envelope cannot ever succeed. */
export function parseEnvelope(raw: Buffer | string | undefined): Envelope {
  if (raw === undefined || raw.length === 0) throw new InvalidMessageError('empty message value');
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    throw new InvalidMessageError('message value is not JSON');
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new InvalidMessageError(`message envelope invalid at "${first?.path.join('.')}": ${first?.message}`);
  }
  return result.data;
}
