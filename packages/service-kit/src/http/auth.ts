import { readFileSync } from 'node:fs';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from './errors.ts';

/** The role that may change what operators own (inventory's stock levels) and read any order; Cognito's group of the same name. */
export const OPERATOR_ROLE = 'operator';

/** Who called: the token's subject and roles, as verified. */
export interface Caller {
  sub: string;
  roles: string[];
}

/** What a route asks of its caller: any verified caller, or one with a role. Routes without it are open. */
export type Access = 'caller' | { role: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller on a route with `config.access`. */
    caller?: Caller;
    /** Why the bearer token was refused (set before the rate limit keys by IP; answered after it). */
    authFailure?: string;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export interface AuthOptions {
  issuer: string;
  audience: string;
  /** An http(s):// JWKS URL (fetched and cached by jose) or an absolute path to a JWKS file. */
  jwks: string;
  rolesClaim: string;
  /** Requests per caller per window on routes with `access`; keyed by token subject, else client IP. */
  rateLimit: { max: number; windowMs: number };
}

// Asymmetric only: an HS256 token signed with a public key as its secret must never verify.
const ALGORITHMS = ['ES256', 'RS256'];

function keySet(jwks: string): JWTVerifyGetKey {
  if (/^https?:\/\//.test(jwks)) return createRemoteJWKSet(new URL(jwks));
  let parsed: JSONWebKeySet;
  try {
    parsed = JSON.parse(readFileSync(jwks, 'utf8')) as JSONWebKeySet;
  } catch (error) {
    throw new Error(`AUTH_JWKS: cannot read a JWKS from ${jwks}: ${(error as Error).message}`);
  }
  return createLocalJWKSet(parsed);
}

// Cognito's access tokens carry no `aud`; they name the app client in `client_id` instead.
const forAudience = (p: JWTPayload, audience: string) =>
  (Array.isArray(p.aud) ? p.aud.includes(audience) : p.aud === audience) || p.client_id === audience;

function rolesOf(p: JWTPayload, claim: string): string[] {
  const value = p[claim];
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === 'string');
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

/** Verifies a bearer token: signature by the issuer's keys, issuer, audience, expiry; the caller or why not. */
export function tokenVerifier(opts: Pick<AuthOptions, 'issuer' | 'audience' | 'jwks' | 'rolesClaim'>) {
  const keys = keySet(opts.jwks);
  return async (header: string | undefined): Promise<Caller> => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedError(header ? 'the Authorization header is not "Bearer <token>"' : 'a bearer token is required (Authorization: Bearer <token>)');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, keys, { issuer: opts.issuer, algorithms: ALGORITHMS, clockTolerance: 5 }));
    } catch (error) {
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ...) are safe to show; they name no secret.
      throw new UnauthorizedError(`the bearer token is not valid (${(error as { code?: string }).code ?? 'invalid'})`);
    }
    if (!forAudience(payload, opts.audience)) throw new UnauthorizedError('the bearer token is not for this API (audience)');
    if (!payload.sub) throw new UnauthorizedError('the bearer token names no subject');
    return { sub: payload.sub, roles: rolesOf(payload, opts.rolesClaim) };
  };
}

function append<T>(existing: T | T[] | undefined, hook: T, first = false): T[] {
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return first ? [hook, ...list] : [...list, hook];
}

/**
 * Authentication, authorisation and per-caller rate limits for every route that declares
 * `config.access`. Order per request: verify the token (onRequest, first), count it against its
 * subject or, without a valid token, its IP (the rate limit's onRequest), then answer 401/403
 * (preValidation: before the body is judged, so an anonymous caller learns nothing of the schema).
 */
export async function installAuth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const verify = tokenVerifier(opts);
  const authenticate = async (req: FastifyRequest) => {
    try {
      req.caller = await verify(req.headers.authorization);
    } catch (error) {
      req.authFailure = (error as Error).message;
    }
  };
  const authorize = (access: Access) => async (req: FastifyRequest) => {
    if (!req.caller) throw new UnauthorizedError(req.authFailure ?? 'a bearer token is required');
    if (typeof access === 'object' && !req.caller.roles.includes(access.role)) {
      throw new ForbiddenError(`this operation needs the "${access.role}" role`);
    }
  };
  // Added before the rate limit registers its own onRoute hook, so this one runs first.
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    if (!access) return;
    route.onRequest = append(route.onRequest, authenticate, true);
    route.preValidation = append(route.preValidation, authorize(access));
    route.config = { ...route.config, rateLimit: {} } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    max: opts.rateLimit.max,
    timeWindow: opts.rateLimit.windowMs,
    keyGenerator: (req) => (req.caller ? `sub:${req.caller.sub}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, ctx) => new TooManyRequestsError(Math.max(1, Math.ceil(ctx.ttl / 1000))),
  });
}
