import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { findRepoRoot, type ServiceAuth } from '@msa/catalog';

/** The audience every dev issuer's token carries and every local service expects. */
export const DEV_AUDIENCE = 'msa-api';
export { OPERATOR_ROLE } from '../http/auth.ts';
const ALG = 'ES256';

export interface TokenRequest {
  /** The caller: a customer's id (their orders are theirs alone). */
  sub: string;
  roles?: readonly string[];
  /** Lifetime; default one hour. */
  ttlSeconds?: number;
  /** Another API's audience (default DEV_AUDIENCE): what a token for a different API carries. */
  audience?: string;
}

/** The issuer a stack's name gives it, so a token of one local stack is refused by another. */
export const devIssuerName = (name: string) => `urn:msa:dev-issuer:${name}`;

/** What a target puts in serviceEnv for a dev issuer kept in `dir` (its JWKS is the file services read). */
export function devIssuerAuth(dir: string, name: string): ServiceAuth {
  return { issuer: devIssuerName(name), audience: DEV_AUDIENCE, jwks: path.join(path.resolve(dir), 'jwks.json') };
}

function loadOrCreateKey(dir: string): JWK {
  const file = path.join(dir, 'signing-key.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: randomUUID(), alg: ALG, use: 'sig' };
  try {
    // 'wx': two processes creating the issuer at once keep the first key, and both use it.
    writeFileSync(file, JSON.stringify(jwk), { flag: 'wx', mode: 0o600 });
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  }
}

/**
 * A development token issuer: an EC key pair kept private in `dir` (mode 0700/0600), its public
 * JWKS written beside it for the services to read (AUTH_JWKS). The local stack keeps one per stack;
 * tests and tools share one under .local/test-issuer. Never used in the cloud (Cognito issues there).
 */
export class DevIssuer {
  readonly auth: ServiceAuth;
  readonly #key: JWK;
  readonly #cache = new Map<string, { token: Promise<string>; until: number }>();

  private constructor(dir: string, name: string, key: JWK) {
    this.auth = devIssuerAuth(dir, name);
    this.#key = key;
  }

  /** Opens the issuer kept in `dir`, creating its key on first use; `name` is the stack (or `test`). */
  static open(dir: string, name: string): DevIssuer {
    // Parents with the usual mode (a recursive mkdir would make .local itself private); the issuer's own folder private.
    mkdirSync(path.dirname(dir), { recursive: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const key = loadOrCreateKey(dir);
    const { d: _private, ...publicJwk } = key;
    const jwks = path.join(dir, 'jwks.json');
    const tmp = `${jwks}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ keys: [publicJwk] }, null, 2), { mode: 0o644 });
    renameSync(tmp, jwks);
    return new DevIssuer(dir, name, key);
  }

  /** `mint`, memoised per subject and roles for half the token's life: load generators call it per request. */
  token(sub: string, roles: readonly string[] = []): Promise<string> {
    const key = `${sub}\u0000${roles.join(',')}`;
    const hit = this.#cache.get(key);
    if (hit && hit.until > Date.now()) return hit.token;
    const token = this.mint({ sub, roles });
    this.#cache.set(key, { token, until: Date.now() + 1_800_000 });
    return token;
  }

  /** A signed bearer token for `sub` with `roles`, as the stack's services expect. */
  async mint(req: TokenRequest): Promise<string> {
    const key = await importJWK(this.#key, ALG);
    return new SignJWT({ roles: [...(req.roles ?? [])] })
      .setProtectedHeader({ alg: ALG, kid: this.#key.kid, typ: 'JWT' })
      .setIssuer(this.auth.issuer)
      .setAudience(req.audience ?? this.auth.audience)
      .setSubject(req.sub)
      .setIssuedAt()
      .setExpirationTime(`${req.ttlSeconds ?? 3600}s`)
      .sign(key);
  }
}

let shared: DevIssuer | undefined;

/**
 * The one issuer tests and tools share (`.local/test-issuer`): the services they start trust it
 * (TestSystem puts its `auth` in serviceEnv), and they mint their callers' tokens with it.
 */
export function testIssuer(root = findRepoRoot(import.meta.dirname)): DevIssuer {
  return (shared ??= DevIssuer.open(path.join(root, '.local', 'test-issuer'), 'test'));
}

/** `Authorization` header value for a token. */
export const bearer = (token: string) => `Bearer ${token}`;
