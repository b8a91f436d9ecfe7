import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './errors.ts';

interface FieldProblem {
  field: string;
  message: string;
}

/** Turns ajv's instancePath ("/items/0/quantity") and missingProperty into a dotted field name. */
function fieldsOf(error: FastifyError): FieldProblem[] {
  return (error.validation ?? []).map((v) => {
    const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const missing = (v.params as { missingProperty?: string; additionalProperty?: string }) ?? {};
    const extra = missing.missingProperty ?? missing.additionalProperty;
    const field = [error.validationContext, base, extra].filter(Boolean).join('.');
    return { field, message: v.message ?? 'is invalid' };
  });
}

/** One place maps failures to responses: 4xx say what was wrong, 5xx hide details. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.validation) {
    const fields = fieldsOf(error);
    reply.status(400).send({
      error: 'VALIDATION_FAILED',
      message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
      fields,
    });
    return;
  }
  if (error instanceof DomainError) {
    reply.status(error.status).send({ error: error.code, message: error.message, details: error.details });
    return;
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error.statusCode === 400 && error instanceof SyntaxError)) {
    reply.status(400).send({ error: 'INVALID_JSON', message: 'the request body is not valid JSON', fields: [{ field: 'body', message: error.message }] });
    return;
  }
  if (error.statusCode && error.statusCode < 500) {
    reply.status(error.statusCode).send({ error: error.code ?? 'BAD_REQUEST', message: error.message });
    return;
  }
  request.log.error({ err: error }, 'request failed');
  reply.status(500).send({ error: 'INTERNAL', message: 'internal error; see the service log' });
}
