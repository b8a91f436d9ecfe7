import type { RouteOptions } from 'fastify';
import { PROBLEM_MEDIA_TYPE, problemSchema } from './problem.ts';

/** The OpenAPI security scheme of routes with `config.access`: a JWT bearer token. */
export const BEARER_SCHEME = 'bearerAuth';

const problemResponse = (description: string, extra: Record<string, unknown> = {}) => ({
  description,
  ...extra,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: problemSchema } },
});

/**
 * The error statuses an operation can answer, derived from what it takes: every route can see a bad
 * request (a badly encoded URL at least), a server error and its database away; a route with a path
 * parameter names a resource that may not exist; a route with a body can get one too large or of
 * another media type. A route declares its own further statuses (409, 422) itself.
 */
export function errorResponses(route: Pick<RouteOptions, 'url' | 'schema' | 'config'>): Record<string, unknown> {
  const schema = (route.schema ?? {}) as { body?: unknown };
  const access = route.config?.access;
  return {
    400: problemResponse('The request is invalid; `fields` names each field at fault'),
    ...(access
      ? {
          401: problemResponse('No valid bearer token (missing, expired, wrong issuer or audience)', {
            headers: { 'www-authenticate': { type: 'string', description: 'Bearer' } },
          }),
          ...(typeof access === 'object' ? { 403: problemResponse(`The caller lacks the "${access.role}" role`) } : {}),
          429: problemResponse('This caller (token subject, else client IP) sent more requests than its limit; retry after the given delay', {
            headers: { 'retry-after': { type: 'string', pattern: '^[0-9]+$', description: 'seconds to wait before retrying' } },
          }),
        }
      : {}),
    ...(route.url.includes(':') ? { 404: problemResponse('No such resource') } : {}),
    ...(schema.body ? { 413: problemResponse('The body is larger than the operation accepts'), 415: problemResponse('The body is not application/json') } : {}),
    500: problemResponse('Internal error; details are in the service log'),
    503: problemResponse('The service cannot reach its database (or is shutting down); retry after the given delay', {
      headers: { 'retry-after': { type: 'string', pattern: '^[0-9]+$', description: 'seconds to wait before retrying' } },
    }),
  };
}

/** Adds the problem responses a route does not declare itself, so the document lists every status. */
export function withErrorResponses(route: RouteOptions): void {
  const schema = (route.schema ??= {}) as { response?: Record<string, unknown>; hide?: boolean; security?: unknown };
  if (schema.hide) return;
  const own = schema.response ?? {};
  schema.response = { ...errorResponses(route), ...own };
  if (route.config?.access) schema.security ??= [{ [BEARER_SCHEME]: [] }];
}

/** A declared problem response, for a route's own statuses (409, 422). */
export { problemResponse };
