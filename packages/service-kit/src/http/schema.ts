import { z } from 'zod';

/**
 * The JSON Schema of a zod schema, for Fastify's validator and the OpenAPI document:
 * one definition gives the types, the 400s and the published API.
 */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return rest;
}
