import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { tracingChannel } from 'node:diagnostics_channel';
import { connectionSettings } from '@msa/local-servers';
import { testIssuer } from '../src/auth/dev-issuer.ts';
import { createHttpApp, createLogger, createMetrics, createProducer, type Check } from '../src/index.ts';
import { kafkaReadiness } from '../src/messaging/kafka-readiness.ts';

let app: FastifyInstance | undefined;

async function appWith(checks: Check[], readinessCacheMs?: number): Promise<FastifyInstance> {
  app = await createHttpApp({
    service: 'probe',
    version: '0.0.0',
    description: 'probes under test',
    log: createLogger('probe', 'silent'),
    metrics: createMetrics('probe'),
    paths: { health: '/healthz', readiness: '/readyz', metrics: '/metrics', openapi: '/openapi.json' },
    readinessChecks: checks,
    isShuttingDown: () => false,
    auth: { ...testIssuer().auth, rolesClaim: 'roles', rateLimit: { max: 100, windowMs: 60_000 } },
    readinessCacheMs,
  });
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('/readyz reports states, never a driver\'s words', () => {
  it('shows a check that fails with a driver error as its state (or "unavailable"), not the error text', async () => {
    const leak = new Error('password authentication failed for user "order_svc" at 10.0.3.7:5432');
    const a = await appWith([
      { name: 'database', failedState: 'unreachable', check: async () => Promise.reject(leak) },
      { name: 'search', required: false, check: async () => Promise.reject(leak) },
    ]);
    const res = await a.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, status: 'unavailable', checks: { database: 'unreachable', search: 'unavailable' } });
    expect(res.body).not.toMatch(/password|10\.0\.3\.7|order_svc/);
  });
});

describe('probes are cheap', () => {
  it('runs the checks once for every probe and scrape within the readiness period, and again after it', async () => {
    let runs = 0;
    const a = await appWith([{ name: 'database', check: async () => void runs++ }], 300);
    await Promise.all(Array.from({ length: 20 }, () => a.inject({ method: 'GET', url: '/readyz' })));
    await a.inject({ method: 'GET', url: '/metrics' });
    expect(runs).toBe(1);
    await new Promise((r) => setTimeout(r, 350));
    await a.inject({ method: 'GET', url: '/readyz' });
    expect(runs).toBe(2);
  });

  it('sends the broker one Metadata request per maximum age, however often readiness asks (real producer, real broker)', async () => {
    const producer = createProducer('probe-readiness', connectionSettings().kafka.brokers);
    // Every request the client writes to a broker is published on this channel with its API key (3 = Metadata).
    const metadataRequests: unknown[] = [];
    const onStart = (d: unknown) => {
      const { apiKey, connection } = d as { apiKey?: number; connection?: unknown };
      if (apiKey === 3 && connection) metadataRequests.push(d);
    };
    const channel = tracingChannel('plt:kafka:connections:api');
    channel.start.subscribe(onStart);
    try {
      const check = kafkaReadiness(producer, [], 60_000);
      for (let i = 0; i < 10; i++) await check.check();
      expect(metadataRequests).toHaveLength(1);
    } finally {
      channel.start.unsubscribe(onStart);
      await producer.close();
    }
  });
});
