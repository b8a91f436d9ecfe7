import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { installHttpTracing, type Tracing } from '../tracing/index.ts';
import { errorHandler } from './error-handler.ts';
import { ServiceUnavailableError } from './errors.ts';
import { installNotFoundHandler } from './method-not-allowed.ts';
import { clientErrorHandler } from './client-error.ts';
import { installJsonBodyParser } from './json-body.ts';
import { withErrorResponses } from './responses.ts';
import { evaluateReadiness, type Check, type ReadinessReport } from './readiness.ts';
import { installAuth, type AuthOptions } from './auth.ts';
import { BEARER_SCHEME } from './responses.ts';

export type { Check } from './readiness.ts';

export interface HttpAppOptions {
  service: string;
  version: string;
  description: string;
  log: Logger;
  metrics: Metrics;
  paths: { health: string; readiness: string; metrics: string; openapi: string };
  /** Readiness is false while a required one fails, or while shutting down; an optional one failing is "degraded". */
  readinessChecks: Check[];
  isShuttingDown: () => boolean;
  /** A span per API request (not for the probe, metrics and OpenAPI paths); none when left out. */
  tracing?: Tracing;
  /** Largest request body accepted, in bytes (413 above it); sized to what the service's operations need. */
  bodyLimit?: number;
  /** Token verification and per-caller limits for routes that declare `config.access`. */
  auth: AuthOptions;
  /** How long one readiness result answers probes and scrapes (checks run at most once per period). */
  readinessCacheMs?: number;
}

// Far above what any operation here takes (an order of 50 items is under 10 KiB), far below Fastify's 1 MiB.
const DEFAULT_BODY_LIMIT = 32 * 1024;

/** Fastify with the kit's conventions: JSON logs, schema validation, OpenAPI, health, readiness and metrics. */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.log,
    // Per-request lines would drown the saga's own log lines; latency lives in the metrics.
    logController: new LogController({ disableRequestLogging: true }),
    // No coercion: `"quantity": "3"` or `true` is a 400, not 3 or 1. No allErrors: the first error is
    // named, and a hostile body cannot make the validator collect thousands.
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Fastify's own 503 while closing is not problem details; the onRequest hook below answers instead.
    return503OnClosing: false,
    clientErrorHandler,
  });
  app.setErrorHandler(errorHandler);
  app.addHook('onRoute', withErrorResponses);
  if (opts.tracing) installHttpTracing(app as unknown as FastifyInstance, opts.tracing, Object.values(opts.paths));
  installNotFoundHandler(app as unknown as FastifyInstance);
  installJsonBodyParser(app as unknown as FastifyInstance);
  // A keep-alive connection whose request was in flight at close would hold close() open forever:
  // once closing, every response tells the client to hang up.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async () => {
    if (draining) throw new ServiceUnavailableError('the service is shutting down; retry on another replica', 1);
  });
  app.addHook('onSend', async (_req, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.service, version: opts.version, description: opts.description },
      components: { securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await installAuth(app as unknown as FastifyInstance, opts.auth);

  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const hidden = { schema: { hide: true } };
  app.get(opts.paths.health, hidden, async () => ({ status: 'ok', service: opts.service }));
  // Probes are cheap: one evaluation (a query, a metadata look-up) answers every probe and scrape for
  // readinessCacheMs, and concurrent probes share the one in flight. Shutting down is never cached.
  let last: { at: number; shuttingDown: boolean; report: Promise<ReadinessReport> } | undefined;
  const readiness = () => {
    const shuttingDown = opts.isShuttingDown();
    const now = performance.now();
    if (!last || last.shuttingDown !== shuttingDown || now - last.at >= (opts.readinessCacheMs ?? 1_000)) {
      last = { at: now, shuttingDown, report: evaluateReadiness(opts.readinessChecks, shuttingDown, opts.metrics, opts.log) };
    }
    return last.report;
  };
  app.get(opts.paths.readiness, hidden, async (_req, reply) => {
    const report = await readiness();
    reply.status(report.ready ? 200 : 503);
    return report;
  });
  app.get(opts.paths.metrics, hidden, async (_req, reply) => {
    await readiness(); // so the readiness gauges are current at every scrape
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  app.get(opts.paths.openapi, hidden, async () => app.swagger());
  // pino's Logger type is narrower than Fastify's base logger; the instance is the same.
  return app as unknown as FastifyInstance;
}
