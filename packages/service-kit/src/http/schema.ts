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
 * Text the stores can hold and people mean: no NUL (PostgreSQL text and jsonb refuse it) and no other
 * control character but tab and line breaks. Unpaired surrogates, which only a JSON escape can carry,
 * are refused by the body parser (json-body.ts): Rust's and so schemathesis' regex engine cannot
 * express them, and a published pattern must be one every client's validator reads alike.
 */
export const STORABLE_TEXT = /^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$/;

export const STORABLE_TEXT_MESSAGE = 'must not contain NUL or other control characters (tab and line breaks are fine)';

/** A string of storable text between min and max characters. */
export function storableText(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .regex(STORABLE_TEXT, { message: STORABLE_TEXT_MESSAGE });
}
