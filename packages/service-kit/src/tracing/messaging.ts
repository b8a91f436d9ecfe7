import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { TraceCarrier, Tracing } from './tracing.ts';

/** What the relay knows of an outbox row that tracing needs. */
export interface TracedRow {
  topic: string;
  type: string;
  /** The outbox row's trace_context column: the span that wrote it (null when written untraced). */
  trace_context: TraceCarrier | null;
  created_at?: Date;
}

/** What the consumer knows of a message that tracing needs. */
export interface TracedMessage {
  headers?: Map<string, string> | undefined;
}

const system = { 'messaging.system': 'kafka' } as const;

/**
 * The context an outbox row stores: the active span's (the request's, or the consumer's), so the
 * event's publish span hangs under the work that wrote it. No span of its own: the INSERT is one
 * statement of the caller's transaction, and a span per event costs more than it tells.
 * Off, or written outside any span (a timer's sweep): undefined, and the row goes untraced.
 */
export function enqueueContext(tracing: Tracing): TraceCarrier | undefined {
  return tracing.enabled ? tracing.inject(context.active()) : undefined;
}

/**
 * The Kafka headers that carry a row's trace onward: a PRODUCER span, child of the span that wrote
 * the row, from the row's creation to its send (its length is the time the event waited in the
 * outbox). A row written untraced gets no headers.
 */
export function publishHeaders(tracing: Tracing, row: TracedRow): TraceCarrier {
  if (!tracing.enabled || !row.trace_context) return {};
  const parent = tracing.extract(row.trace_context);
  if (!trace.getSpanContext(parent)) return {};
  const span = tracing.tracer.startSpan(
    `${row.topic} publish`,
    { kind: SpanKind.PRODUCER, startTime: row.created_at, attributes: { ...system, 'messaging.destination.name': row.topic, 'msa.event.type': row.type } },
    parent,
  );
  const headers = tracing.inject(trace.setSpan(parent, span)) ?? {};
  span.end();
  return headers;
}

/**
 * Runs a consumed event's handling in a CONSUMER span whose parent comes from the message's headers,
 * so the handler's own outbox writes continue the same trace. The outcome (processed, duplicate,
 * ignored) becomes an attribute; a failure marks the span.
 */
export async function traceConsume<T extends string>(
  tracing: Tracing,
  message: TracedMessage,
  topic: string,
  event: { id: string; type: string; key: string },
  handle: () => Promise<T>,
): Promise<T> {
  if (!tracing.enabled) return handle();
  const carrier: Record<string, string> = {};
  for (const [name, value] of message.headers ?? []) if (name === 'traceparent' || name === 'tracestate') carrier[name] = String(value);
  const parent = tracing.extract(carrier);
  const span = tracing.tracer.startSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { ...system, 'messaging.destination.name': topic, 'messaging.message.id': event.id, 'msa.event.type': event.type, 'msa.event.key': event.key },
    },
    parent,
  );
  try {
    const outcome = await context.with(trace.setSpan(parent, span), handle);
    span.setAttribute('msa.outcome', outcome);
    return outcome;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** A handler run in its message's CONSUMER span (traceConsume), so a message applied in a batch continues its trace too. */
export function tracedHandler<T, E extends { id: string; type: string; key: string }>(
  tracing: Tracing,
  message: TracedMessage,
  topic: string,
  handler: (tx: T, event: E) => Promise<void>,
): (tx: T, event: E) => Promise<void> {
  if (!tracing.enabled) return handler;
  return async (tx, event) => {
    await traceConsume(tracing, message, topic, event, async () => {
      await handler(tx, event);
      return 'processed';
    });
  };
}
