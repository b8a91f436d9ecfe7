import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './database-unavailable.ts';
import { DomainError, ServiceUnavailableError } from './errors.ts';
import { problem, sendProblem, type FieldProblem } from './problem.ts';
import { STORABLE_TEXT, STORABLE_TEXT_MESSAGE } from './schema.ts';

/** Turns ajv's instancePath ("/items/0/quantity") and missing/extra property into a dotted field name. */
function fieldsOf(error: FastifyError): FieldProblem[] {
  return (error.validation ?? []).map((v) => {
    const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const params = (v.params as { missingProperty?: string; additionalProperty?: string }) ?? {};
    const extra = params.missingProperty ?? params.additionalProperty;
    const field = [error.validationContext, base, extra].filter(Boolean).join('.');
    const pattern = (v.params as { pattern?: string }).pattern;
    const message = v.keyword === 'pattern' && pattern === STORABLE_TEXT.source ? STORABLE_TEXT_MESSAGE : (v.message ?? 'is invalid');
    return { field, message };
  });
}

/** Fastify's own client errors, with a stable code and the part of the request at fault. */
const FRAMEWORK_ERRORS: Record<string, { code: string; field?: string; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', field: 'body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', field: 'body', detail: 'the body is empty but its content-type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', field: 'body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', field: 'headers.content-type', detail: 'the body must be application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_CONTENT_LENGTH', field: 'headers.content-length' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', field: 'headers.content-type' },
  FST_ERR_BAD_URL: { code: 'INVALID_URL', field: 'url', detail: 'the URL is not validly percent-encoded' },
};

function titleOf(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** One place maps failures to RFC 9457 responses: 4xx say what was wrong and where, 5xx hide details. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const instance = request.url.split('?')[0];
  if (error.validation) {
    const fields = fieldsOf(error);
    const detail = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    sendProblem(reply, problem(400, 'VALIDATION_FAILED', 'Request is invalid', detail, { instance, fields }));
    return;
  }
  if (error instanceof ServiceUnavailableError) {
    sendProblem(reply, problem(503, error.code, titleOf(503), error.message, { instance }), { 'retry-after': String(error.retryAfterSeconds) });
    return;
  }
  if (error instanceof DomainError) {
    sendProblem(reply, problem(error.status, error.code, titleOf(error.status), error.message, { instance, ...(error.fields ? { fields: error.fields } : {}) }), error.headers);
    return;
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    const p = problem(503, 'SERVICE_UNAVAILABLE', titleOf(503), 'the service cannot reach its database; retry later', { instance });
    sendProblem(reply, p, { 'retry-after': '5' });
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const known = FRAMEWORK_ERRORS[error.code] ?? (error instanceof SyntaxError ? FRAMEWORK_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY : undefined);
    const detail = known?.detail ?? error.message;
    const fields = known?.field ? [{ field: known.field, message: detail }] : undefined;
    sendProblem(reply, problem(status, known?.code ?? 'BAD_REQUEST', titleOf(status), detail, { instance, ...(fields ? { fields } : {}) }));
    return;
  }
  request.log.error({ err: error }, 'request failed');
  sendProblem(reply, problem(500, 'INTERNAL', titleOf(500), 'internal error; see the service log', { instance }));
}
