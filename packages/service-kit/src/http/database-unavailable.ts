// Socket-level failures to reach PostgreSQL (refused, reset, timed out, name not resolved).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// SQLSTATE classes and codes that say "the server is away, full or busy", not "the request was wrong":
// 08 connection exception, 57P01-57P03 shutdown / cannot connect now, 53300 too many connections,
// 57014 statement timeout, 55P03 lock timeout, 40001 / 40P01 serialization failure / deadlock.
const SQLSTATE_CODES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03', '40001', '40P01']);
// pg's own messages when a pooled connection could not be had or died under a query.
// The last: a database closed to new sessions (ALTER DATABASE ... ALLOW_CONNECTIONS false, SQLSTATE 55000).
const PG_MESSAGES = [/timeout exceeded when trying to connect/i, /connection terminated/i, /Client has encountered a connection error/i, /is not currently accepting connections/i];

/** True when an error means the database could not be reached, so a retry later may succeed (503, not 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true;
  return PG_MESSAGES.some((re) => re.test(error.message));
}
