import { context, defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { TraceCarrier, Tracing, TracingOptions } from './tracing.ts';

/** How long a stopping service waits to send its last spans. */
const SHUTDOWN_FLUSH_MS = 2_000;

// W3C Trace Context only: it is what crosses our boundaries; baggage is not used.
const propagator = new W3CTraceContextPropagator();

/**
 * Spans follow async work through AsyncLocalStorage, and outgoing HTTP calls carry W3C headers
 * (outgoingTraceHeaders): both process-wide, registered once (a second call keeps the first).
 */
function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  if (!context.setGlobalContextManager(manager.enable())) manager.disable();
  propagation.setGlobalPropagator(propagator);
}

/**
 * A tracer provider of the service's own (not the global one: a test process may run several
 * services, each naming itself), exporting in batches over OTLP http/protobuf.
 */
export function startTracing(opts: TracingOptions & { endpoint: string }): Tracing {
  ensureContextManager();
  const exporter = new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.service, 'service.version': opts.version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRatio ?? 1) }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  return {
    enabled: true,
    tracer: provider.getTracer('@msa/service-kit'),
    inject(ctx) {
      if (!trace.getSpanContext(ctx)) return undefined;
      const carrier: TraceCarrier = {};
      propagator.inject(ctx, carrier, defaultTextMapSetter);
      return carrier.traceparent ? carrier : undefined;
    },
    extract(carrier) {
      return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    },
    // Bounded: an unreachable trace store must not hold a stopping service past its shutdown timeout.
    shutdown: () => Promise.race([provider.shutdown(), new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref())]),
  };
}

