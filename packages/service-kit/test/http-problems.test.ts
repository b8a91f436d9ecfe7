import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '@msa/system-tests';
import { testIssuer } from '@msa/service-kit/dev-issuer';
import { createHttpApp, createLogger, createMetrics, jsonSchema, NotFoundError, storableText } from '../src/index.ts';

// A real pg pool aimed at a port nothing listens on: the driver's own error when the database is away.
let pool: pg.Pool;
let app: FastifyInstance;

const body = z.object({ name: storableText(1, 20), quantity: z.number().int().min(1) }).strict();

beforeAll(async () => {
  pool = new pg.Pool({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'none', connectionTimeoutMillis: 1_000 });
  app = await createHttpApp({
    service: 'probe',
    version: '0.0.0',
    description: 'the kit’s HTTP conventions under test',
    log: createLogger('probe', 'silent'),
    metrics: createMetrics('probe'),
    paths: { health: '/healthz', readiness: '/readyz', metrics: '/metrics', openapi: '/openapi.json' },
    readinessChecks: [],
    isShuttingDown: () => false,
    bodyLimit: 1024,
    auth: { ...testIssuer().auth, rolesClaim: 'roles', rateLimit: { max: 100, windowMs: 60_000 } },
  });
  app.post('/things', { schema: { body: jsonSchema(body) } }, async (_req, reply) => reply.status(201).send({ ok: true }));
  app.get('/things/:id', { schema: { params: jsonSchema(z.object({ id: z.uuid() })) } }, async (req) => {
    throw new NotFoundError('thing', (req.params as { id: string }).id);
  });
  app.get('/stored', async () => (await pool.query('SELECT 1')).rows);
  app.get('/broken', async () => {
    throw new Error('secret detail of a bug');
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
});

const post = (payload: string, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/things', headers: { 'content-type': contentType }, payload });

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => any }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ type: expect.stringMatching(/^urn:msa:problem:/), title: expect.any(String), status, code, detail: expect.any(String) });
  return res.json();
}

describe('every error is RFC 9457 problem details naming the field at fault', () => {
  it('does not coerce: a quantity of "3" or true is a 400 naming body.quantity', async () => {
    for (const quantity of ['"3"', 'true']) {
      const p = expectProblem(await post(`{"name":"a","quantity":${quantity}}`), 400, 'VALIDATION_FAILED');
      expect(p.fields).toEqual([{ field: 'body.quantity', message: 'must be integer' }]);
    }
    expect(expectProblem(await post('{"name":42,"quantity":1}'), 400, 'VALIDATION_FAILED').fields[0].field).toBe('body.name');
  });

  it('refuses text the stores cannot hold: NUL, control characters, unpaired surrogates', async () => {
    for (const name of ['a\\u0000b', 'a\\u001bb', 'a\\ud800b', '\\udc00']) {
      const p = expectProblem(await post(`{"name":"${name}","quantity":1}`), 400, 'VALIDATION_FAILED');
      expect(p.fields[0].field, name).toBe('body.name');
    }
    // A surrogate pair is one character and fine; so are tabs and line breaks.
    expect((await post('{"name":"\\ud83d\\ude00 a\\tb\\nc","quantity":1}')).statusCode).toBe(201);
  });

  it("answers the framework's own errors as problems: malformed JSON, empty JSON, another media type, too large a body", async () => {
    expect(expectProblem(await post('{"name": '), 400, 'INVALID_JSON').fields).toEqual([{ field: 'body', message: expect.any(String) }]);
    expectProblem(await post(''), 400, 'INVALID_JSON');
    expectProblem(await post('{"__proto__":{"x":1},"name":"a","quantity":1}'), 400, 'INVALID_JSON');
    expect(expectProblem(await post('name=a', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE').fields[0].field).toBe('headers.content-type');
    expectProblem(await post(JSON.stringify({ name: 'a', quantity: 1, pad: 'x'.repeat(2000) })), 413, 'BODY_TOO_LARGE');
  });

  it('answers 404 for an unknown route, and 405 with Allow for a method a known path does not take', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/nowhere' }), 404, 'ROUTE_NOT_FOUND');
    const res = await app.inject({ method: 'DELETE', url: '/things' });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('POST');
    const withParam = await app.inject({ method: 'PUT', url: '/things/anything', headers: { 'content-type': 'text/plain' }, payload: 'x' });
    expectProblem(withParam, 405, 'METHOD_NOT_ALLOWED');
    expect(withParam.headers.allow).toBe('GET, HEAD');
  });

  it('answers a request that is not HTTP at all with problem details too (before any route)', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP\r\n\r\n'));
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
  });

  it('answers 404 naming the resource, and 400 naming a path parameter that is not one', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/things/00000000-0000-4000-8000-000000000000' }), 404, 'NOT_FOUND');
    expect(expectProblem(await app.inject({ method: 'GET', url: '/things/a%00b' }), 400, 'VALIDATION_FAILED').fields[0].field).toBe('params.id');
  });

  it('answers 503 with Retry-After when the database cannot be reached, and hides the details of a 500', async () => {
    const down = await app.inject({ method: 'GET', url: '/stored' });
    expectProblem(down, 503, 'SERVICE_UNAVAILABLE');
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    const broken = expectProblem(await app.inject({ method: 'GET', url: '/broken' }), 500, 'INTERNAL');
    expect(JSON.stringify(broken)).not.toContain('secret');
  });
});

describe('the OpenAPI document lists every status an operation can answer, with the problem schema', () => {
  it('declares 400, 404, 413, 415, 500 and 503 where they apply', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths['/things'].post.responses).sort()).toEqual(['201', '400', '413', '415', '500', '503'].filter((s) => s !== '201'));
    expect(Object.keys(doc.paths['/things/{id}'].get.responses).sort()).toEqual(['200', '400', '404', '500', '503'].filter((s) => s !== '200'));
    const problem = doc.paths['/things'].post.responses['400'].content['application/problem+json'].schema;
    expect(problem.required).toEqual(['type', 'title', 'status', 'detail', 'code']);
    expect(doc.paths['/things'].post.responses['503'].headers['retry-after']).toBeDefined();
  });
});
