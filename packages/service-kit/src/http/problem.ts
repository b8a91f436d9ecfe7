import type { FastifyReply } from 'fastify';

/** A field a request got wrong: where it is ("body.items.0.quantity", "headers.idempotency-key") and what is accepted. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 9457 problem details, with the kit's extensions: a stable `code` and the `fields` at fault. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  fields?: FieldProblem[];
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The one error body every service answers with, in every OpenAPI document. */
export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', description: 'a URI naming the kind of problem' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'what was wrong, for a person' },
    instance: { type: 'string', description: 'the request path' },
    code: { type: 'string', description: 'stable code, for programs (VALIDATION_FAILED, NOT_FOUND, ...)' },
    fields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        additionalProperties: false,
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

/** `VALIDATION_FAILED` → `urn:msa:problem:validation-failed`: one type URI per stable code. */
export function problemType(code: string): string {
  return `urn:msa:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problem(status: number, code: string, title: string, detail: string, extra: { instance?: string; fields?: FieldProblem[] } = {}): Problem {
  return { type: problemType(code), title, status, detail, code, ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.status(p.status).headers(headers).type(PROBLEM_MEDIA_TYPE).send(p);
}
