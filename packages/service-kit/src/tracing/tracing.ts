import { context, defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT, trace, type Context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';

/** W3C trace context as text: `traceparent` (and `tracestate` when there is one). */
export type TraceCarrier = Record<string, string>;

/**
 * One service's tracing: its tracer and how trace context crosses a process boundary (HTTP headers,
 * an outbox row, Kafka headers). Off, every seam skips its work: no spans, no context, no headers.
 */
export interface Tracing {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** The W3C headers for ctx's span; undefined when ctx carries no (sampled or not) span. */
  inject(ctx: Context): TraceCarrier | undefined;
  /** The remote parent named by the headers, or the root context when they name none. */
  extract(carrier: Readonly<Record<string, string | string[] | undefined>>): Context;
  /** Sends the spans still buffered. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  service: string;
  version: string;
  /** OTLP base URL (http/protobuf); spans go to <endpoint>/v1/traces. Unset: tracing is off. */
  endpoint?: string | undefined;
  /** Share of new traces recorded (0..1); a trace that arrives sampled (or not) keeps its parent's decision. */
  sampleRatio?: number;
}

/** How long a stopping service waits to send its last spans. */
const SHUTDOWN_FLUSH_MS = 2_000;

// W3C Trace Context only: it is what crosses our boundaries; baggage is not used.
const propagator = new W3CTraceContextPropagator();

export const TRACING_OFF: Tracing = {
  enabled: false,
  tracer: trace.getTracer('off'),
  inject: () => undefined,
  extract: () => ROOT_CONTEXT,
  shutdown: async () => undefined,
};

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
export function createTracing(opts: TracingOptions): Tracing {
  if (!opts.endpoint) return TRACING_OFF;
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

/** The ids a log line carries while a span is active (pino mixin); nothing outside spans. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/** W3C headers naming the active span, for a call to another service; empty when tracing is off. */
export function outgoingTraceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}
