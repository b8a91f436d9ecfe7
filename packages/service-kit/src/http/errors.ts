/**
 * Expected failures with a stable code; the error handler maps each to its HTTP status and a
 * problem-details body. `fields` names what the client got wrong, where there is such a thing.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;
  readonly fields?: { field: string; message: string }[];
  /** Response headers the status calls for (WWW-Authenticate on a 401). */
  headers?: Record<string, string>;
  constructor(code: string, status: number, message: string, details?: unknown, fields?: { field: string; message: string }[]) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.fields = fields;
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id: string) {
    super('NOT_FOUND', 404, `${resource} "${id}" was not found`, { resource, id });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', 409, message, details);
  }
}

/** The request is well formed but cannot be applied (for example an idempotency key reused for another body). */
export class UnprocessableError extends DomainError {
  constructor(code: string, message: string, field?: string) {
    super(code, 422, message, undefined, field ? [{ field, message }] : undefined);
  }
}

/** A dependency this request needs (the service's own database) is away; the client may retry later. */
export class ServiceUnavailableError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 5) {
    super('SERVICE_UNAVAILABLE', 503, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No valid bearer token: the caller must (re)authenticate. */
export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super('UNAUTHENTICATED', 401, message, undefined, [{ field: 'headers.authorization', message }]);
    this.headers = { 'www-authenticate': 'Bearer' };
  }
}

/** The caller is known but lacks the role the operation needs. */
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', 403, message);
  }
}

/** The caller sent more requests than its limit allows in the window; Retry-After says when to come back. */
export class TooManyRequestsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 429, `too many requests from this caller; retry in ${retryAfterSeconds} s`);
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}
