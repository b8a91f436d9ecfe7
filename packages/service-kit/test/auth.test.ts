import type { FastifyInstance } from 'fastify';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, DevIssuer, OPERATOR_ROLE, testIssuer } from '../src/auth/dev-issuer.ts';
import { createHttpApp, createLogger, createMetrics } from '../src/index.ts';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The kit's HTTP app as a service builds it, with the issuer tests share; one route per kind of access.
const issuer = testIssuer();
const LIMIT = 5;
let app: FastifyInstance;

beforeAll(async () => {
  app = await createHttpApp({
    service: 'probe',
    version: '0.0.0',
    description: 'authentication, authorisation and limits under test',
    log: createLogger('probe', 'silent'),
    metrics: createMetrics('probe'),
    paths: { health: '/healthz', readiness: '/readyz', metrics: '/metrics', openapi: '/openapi.json' },
    readinessChecks: [],
    isShuttingDown: () => false,
    auth: { ...issuer.auth, rolesClaim: 'roles', rateLimit: { max: LIMIT, windowMs: 60_000 } },
  });
  app.get('/mine', { config: { access: 'caller' } }, async (req) => ({ sub: req.caller?.sub }));
  app.put('/levels/:sku', { config: { access: { role: OPERATOR_ROLE } } }, async () => ({ ok: true }));
  app.get('/open', async () => ({ ok: true }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

const call = (method: 'GET' | 'PUT', url: string, token?: string, ip = '10.0.0.1') =>
  app.inject({ method, url, remoteAddress: ip, headers: token === undefined ? {} : { authorization: bearer(token) } });

describe('authentication (a bearer JWT from the configured issuer)', () => {
  it('answers 401 problem details with WWW-Authenticate when the token is missing, malformed or not the issuer\'s', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer(issuer.auth.issuer).setAudience(issuer.auth.audience)
      .setSubject('mallory').setExpirationTime('1h').sign(privateKey);
    const other = DevIssuer.open(mkdtempSync(path.join(tmpdir(), 'issuer-')), 'other');
    for (const [token, detail] of [
      [undefined, /bearer token is required/],
      ['not-a-jwt', /not valid/],
      [forged, /not valid \(ERR_JWKS_NO_MATCHING_KEY|not valid \(ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
      [await other.mint({ sub: 'alice' }), /not valid/],
      [await issuer.mint({ sub: 'alice', ttlSeconds: -60 }), /ERR_JWT_EXPIRED/],
    ] as const) {
      const res = await call('GET', '/mine', token, `10.1.0.${Math.floor(Math.random() * 250)}`);
      expect(res.statusCode, String(token)).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', fields: [{ field: 'headers.authorization' }] });
      expect(res.json().detail).toMatch(detail);
    }
  });

  it('refuses a token of the right issuer for another audience', async () => {
    const res = await call('GET', '/mine', await issuer.mint({ sub: 'alice', audience: 'another-api' }), '10.2.0.1');
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/audience/);
  });

  it('lets a valid token through and tells the route who called', async () => {
    const res = await call('GET', '/mine', await issuer.mint({ sub: 'alice' }), '10.3.0.1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sub: 'alice' });
  });

  it('leaves routes without `access` open (probes, internal reads)', async () => {
    expect((await call('GET', '/open', undefined, '10.3.0.2')).statusCode).toBe(200);
    expect((await call('GET', '/healthz', undefined, '10.3.0.2')).statusCode).toBe(200);
  });
});

describe('authorisation (roles)', () => {
  it('answers 403 problem details to a caller without the role, and lets an operator through', async () => {
    const customer = await call('PUT', '/levels/apple', await issuer.mint({ sub: 'bob' }), '10.4.0.1');
    expect(customer.statusCode).toBe(403);
    expect(customer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(customer.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(customer.json().detail).toMatch(/"operator" role/);
    expect((await call('PUT', '/levels/apple', await issuer.mint({ sub: 'olga', roles: [OPERATOR_ROLE] }), '10.4.0.1')).statusCode).toBe(200);
  });
});

describe('rate limits per caller', () => {
  it('answers 429 problem details with Retry-After once a subject exceeds its limit, whatever IP it comes from', async () => {
    const token = await issuer.mint({ sub: 'carol' });
    for (let i = 0; i < LIMIT; i++) expect((await call('GET', '/mine', token, `10.5.0.${i}`)).statusCode).toBe(200);
    const over = await call('GET', '/mine', token, '10.5.0.99');
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Another subject from the same IP is not held back by carol's count.
    expect((await call('GET', '/mine', await issuer.mint({ sub: 'dave' }), '10.5.0.99')).statusCode).toBe(200);
  });

  it('counts callers without a valid token by IP, so a flood of bad tokens is limited too', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await call('GET', '/mine', `bad-${i}`, '10.6.0.1')).statusCode).toBe(401);
    expect((await call('GET', '/mine', 'bad-again', '10.6.0.1')).statusCode).toBe(429);
  });

  it('never limits probes', async () => {
    for (let i = 0; i < LIMIT * 3; i++) expect((await call('GET', '/healthz', undefined, '10.7.0.1')).statusCode).toBe(200);
  });
});

describe('the development issuer', () => {
  it('keeps its own folder and key private, and leaves the folders above it as they would be', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'issuer-parent-'));
    const dir = path.join(base, '.local', 'stacks', 'x', 'issuer');
    DevIssuer.open(dir, 'x');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'signing-key.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(base, '.local')).mode & 0o777).not.toBe(0o700);
  });
});

describe('the OpenAPI document', () => {
  it('declares the bearer scheme, and 401, 403 (role routes) and 429 as problem details on protected operations only', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const mine = doc.paths['/mine'].get;
    expect(mine.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(mine.responses)).toEqual(expect.arrayContaining(['401', '429']));
    expect(mine.responses['403']).toBeUndefined();
    expect(mine.responses['401'].content['application/problem+json']).toBeDefined();
    expect(mine.responses['429'].headers['retry-after']).toBeDefined();
    expect(doc.paths['/levels/{sku}'].put.responses['403'].content['application/problem+json']).toBeDefined();
    expect(doc.paths['/open'].get.security).toBeUndefined();
    expect(doc.paths['/open'].get.responses['401']).toBeUndefined();
  });
});
