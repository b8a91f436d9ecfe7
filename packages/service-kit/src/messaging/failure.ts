import { InvalidMessageError } from '../events/envelope.ts';

/** A failure that no retry can fix: the message goes to the dead-letter topic at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** A failure that passes when what it depends on comes back (the database, the broker): retried for as long as it lasts. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/**
 * permanent: dead-letter at once. transient: retry without bound, never dead-letter.
 * unknown: a handful of retries, then dead-letter (a bug in a handler can be fixed and the message replayed).
 */
export type FailureKind = 'permanent' | 'transient' | 'unknown';

/**
 * PostgreSQL SQLSTATEs that say "try again later", not "this can never work": connection exceptions (08),
 * serialization failure and deadlock (40001, 40P01), insufficient resources (53), lock not available
 * (55P03), a database not accepting connections (55000 at connect), operator intervention such as a
 * restart or a statement timeout (57), system errors (58), and authentication refused while an
 * operator has locked the role out (28). Source: PostgreSQL's Appendix A, "Error Codes".
 */
const TRANSIENT_SQLSTATE = /^(08|53|57|58|28)|^(40001|40P01|55P03|55000)$/;

/** Socket errors and pg's own messages for a connection that could not be made or was lost. */
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
const TRANSIENT_MESSAGE = /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|not queryable/i;

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PermanentError || error instanceof InvalidMessageError) return 'permanent';
  if (error instanceof TransientError) return 'transient';
  if (!(error instanceof Error)) return 'unknown';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_ERRNO.has(code))) return 'transient';
  if (TRANSIENT_MESSAGE.test(error.message)) return 'transient';
  // A data error (22) or an integrity violation (23) gives the same answer every time.
  if (typeof code === 'string' && /^(22|23)/.test(code)) return 'permanent';
  return 'unknown';
}
