import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { errorHandler } from './error-handler.ts';

export interface Check {
  name: string;
  check: () => Promise<void>;
}

export interface HttpAppOptions {
  service: string;
  version: string;
  description: string;
  log: Logger;
  metrics: Metrics;
  paths: { health: string; readiness: string; metrics: string; openapi: string };
  /** Readiness is false while any of these fails (database, Kafka) or while shutting down. */
  readinessChecks: Check[];
  isShuttingDown: () => boolean;
}

const CHECK_TIMEOUT_MS = 1_500;

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return Promise.race([p, new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

/** Fastify with the kit's conventions: JSON logs, schema validation, OpenAPI, health, readiness and metrics. */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.log,
    // Per-request lines would drown the saga's own log lines; latency lives in the metrics.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' } },
    return503OnClosing: true,
  });
  app.setErrorHandler(errorHandler);
  // A keep-alive connection whose request was in flight at close would hold close() open forever:
  // once closing, every response tells the client to hang up.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: opts.service, version: opts.version, description: opts.description } },
  });

  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const hidden = { schema: { hide: true } };
  app.get(opts.paths.health, hidden, async () => ({ status: 'ok', service: opts.service }));
  app.get(opts.paths.readiness, hidden, async (_req, reply) => {
    const checks: Record<string, string> = {};
    let ready = !opts.isShuttingDown();
    if (!ready) checks.shutdown = 'in progress';
    await Promise.all(
      opts.readinessChecks.map(async (c) => {
        try {
          await withTimeout(c.check(), CHECK_TIMEOUT_MS);
          checks[c.name] = 'ok';
        } catch (error) {
          ready = false;
          checks[c.name] = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    reply.status(ready ? 200 : 503);
    return { ready, checks };
  });
  app.get(opts.paths.metrics, hidden, async (_req, reply) => {
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  app.get(opts.paths.openapi, hidden, async () => app.swagger());
  // pino's Logger type is narrower than Fastify's base logger; the instance is the same.
  return app as unknown as FastifyInstance;
}
