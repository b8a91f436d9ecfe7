import { context, propagation, ROOT_CONTEXT, trace, type Context, type Tracer } from '@opentelemetry/api';

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

/** Tracing off: every seam checks `enabled` and does nothing else. */
export const TRACING_OFF: Tracing = {
  enabled: false,
  tracer: trace.getTracer('off'),
  inject: () => undefined,
  extract: () => ROOT_CONTEXT,
  shutdown: async () => undefined,
};

/**
 * The service's tracing. The SDK (provider, exporter, propagator) is loaded only when an endpoint is
 * set: a bundle keeps it in a chunk of its own, so a service that does not trace never loads it.
 */
export async function createTracing(opts: TracingOptions): Promise<Tracing> {
  if (!opts.endpoint) return TRACING_OFF;
  const { startTracing } = await import('./sdk.ts');
  return startTracing({ ...opts, endpoint: opts.endpoint });
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
