import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Tracing } from './tracing.ts';

/**
 * A SERVER span per API request: a child of the caller's `traceparent` when it sends one, else a new
 * trace. The route's handler runs inside the span, so what it logs and writes to the outbox carries
 * it. Probe and scrape paths (`untraced`) make no spans: they would bury the saga's traces.
 * Call before routes are added (it wraps handlers as they are registered).
 */
export function installHttpTracing(app: FastifyInstance, tracing: Tracing, untraced: readonly string[]): void {
  if (!tracing.enabled) return;
  const skip = new Set(untraced);
  const spans = new WeakMap<FastifyRequest, Span>();

  app.addHook('onRoute', (route) => {
    if (skip.has(route.url ?? route.path)) return;
    const handler = route.handler as (...args: unknown[]) => unknown;
    route.handler = function traced(this: unknown, request, reply) {
      const span = spans.get(request);
      if (!span) return handler.call(this, request, reply);
      return context.with(trace.setSpan(context.active(), span), handler, this, request, reply);
    } as RouteHandlerMethod;
  });
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || skip.has(route)) return;
    const parent = tracing.extract(request.headers);
    const span = tracing.tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url } },
      parent,
    );
    spans.set(request, span);
  });
  const end = (request: FastifyRequest, status?: number) => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (status === undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted by the client' });
    else {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  app.addHook('onResponse', async (request, reply) => end(request, reply.statusCode));
  app.addHook('onRequestAbort', async (request) => end(request));
}
