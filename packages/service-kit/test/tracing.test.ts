import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { createTracing, enqueueContext, publishHeaders, traceConsume, TRACING_OFF, type TraceCarrier } from '../src/tracing/index.ts';

// Nothing listens on port 9: spans are made and handed to the exporter, whose sends fail quietly.
const tracing = await createTracing({ service: 'test', version: '0.0.0', endpoint: 'http://127.0.0.1:9' });
afterAll(() => tracing.shutdown().catch(() => undefined));

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** The writer's carrier as the outbox row stores it, through the relay's headers, into the consumer's span. */
async function acrossOneHop(carrier: TraceCarrier | undefined) {
  const headers = publishHeaders(tracing, { topic: 'order.events', type: 'OrderPlaced', trace_context: carrier ?? null, created_at: new Date() });
  let inside: string | undefined;
  const outcome = await traceConsume(tracing, { headers: new Map(Object.entries(headers)) }, 'order.events', { id: 'e1', type: 'OrderPlaced', key: 'o1' }, async () => {
    inside = trace.getSpanContext(context.active())?.traceId;
    return 'processed' as const;
  });
  return { headers, inside, outcome };
}

describe('trace context across the kit seams', () => {
  it('stores the writing span in the outbox row, sends it on in Kafka headers, and continues it in the consumer', async () => {
    const root = tracing.tracer.startSpan('POST /orders');
    const carrier = context.with(trace.setSpan(context.active(), root), () => enqueueContext(tracing));
    root.end();
    const traceId = root.spanContext().traceId;
    expect(carrier?.traceparent).toBe(`00-${traceId}-${root.spanContext().spanId}-01`);

    const { headers, inside, outcome } = await acrossOneHop(carrier);
    // The publish span is a new span of the same trace.
    expect(TRACEPARENT.exec(headers.traceparent!)?.[1]).toBe(traceId);
    expect(headers.traceparent).not.toBe(carrier!.traceparent);
    expect(inside).toBe(traceId);
    expect(outcome).toBe('processed');
  });

  it('sends no trace headers for a row written outside any span, and the consumer then starts a trace of its own', async () => {
    expect(enqueueContext(tracing)).toBeUndefined();
    const { headers, inside } = await acrossOneHop(undefined);
    expect(headers).toEqual({});
    expect(inside).toMatch(/^[0-9a-f]{32}$/);
  });

  it('does nothing at all when off: no carrier, no headers, no span around the handler', async () => {
    expect(enqueueContext(TRACING_OFF)).toBeUndefined();
    expect(publishHeaders(TRACING_OFF, { topic: 't', type: 'T', trace_context: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } })).toEqual({});
    expect(await traceConsume(TRACING_OFF, {}, 't', { id: 'e', type: 'T', key: 'k' }, async () => trace.getSpanContext(context.active())?.traceId ?? 'none')).toBe('none');
  });

  it('puts trace_id and span_id on log lines written inside a span, and none outside', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const log = createLogger('test', 'info', true, sink);
    const span = tracing.tracer.startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => log.info('inside'));
    span.end();
    log.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });
});
