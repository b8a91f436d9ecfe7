import type { FastifyInstance } from 'fastify';
import { DomainError } from './errors.ts';

// In a `u` regex a surrogate pair is one code point, so only an unpaired surrogate is of category Cs.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string) => !UNPAIRED_SURROGATE.test(s);

/** Where in a parsed JSON value the first string (or key) with an unpaired surrogate is, as a dotted path. */
export function unpairedSurrogateAt(value: unknown, path = 'body'): string | undefined {
  if (typeof value === 'string') return wellFormed(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const at = unpairedSurrogateAt(v, `${path}.${i}`);
      if (at) return at;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!wellFormed(k)) return `${path}.${k.replace(/\p{Cs}/gu, '\uFFFD')}`;
      const at = unpairedSurrogateAt(v, `${path}.${k}`);
      if (at) return at;
    }
  }
  return undefined;
}

/**
 * JSON bodies only, parsed by Fastify's own parser (prototype poisoning refused), and refused when a
 * string holds an unpaired surrogate: JSON's \uD800 escape can carry one, but it is not text (I-JSON,
 * RFC 7493) and PostgreSQL's jsonb rejects it. Other media types answer 415.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (error, value) => {
      if (error) return done(error, undefined);
      const at = unpairedSurrogateAt(value);
      if (at) {
        const message = 'must be well-formed Unicode text (no unpaired surrogate)';
        return done(new DomainError('VALIDATION_FAILED', 400, `${at}: ${message}`, undefined, [{ field: at, message }]), undefined);
      }
      done(null, value);
    });
  });
}
