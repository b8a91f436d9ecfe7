import { z } from 'zod';

/**
 * The JSON Schema of a zod schema, for Fastify's validator and the OpenAPI document:
 * one definition gives the types, the 400s and the published API.
 */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return rest;
}

/**
 * Text the stores can hold and people mean: no NUL (PostgreSQL text and jsonb refuse it), no unpaired
 * surrogate (not UTF-8, jsonb refuses its escape), no other control character but tab and line breaks.
 * With the `u` flag (as ajv compiles patterns) a paired surrogate is one code point and passes.
 */
export const STORABLE_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF]*$/u;

/** A string of storable text between min and max characters. */
export function storableText(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .regex(STORABLE_TEXT, { message: 'must not contain NUL, control characters or unpaired surrogates' });
}
