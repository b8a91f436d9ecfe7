export { createTracing, activeTraceIds, outgoingTraceHeaders, TRACING_OFF, type Tracing, type TraceCarrier, type TracingOptions } from './tracing.ts';
export { installHttpTracing } from './http.ts';
export { enqueueContext, publishHeaders, traceConsume, tracedHandler, type TracedRow, type TracedMessage } from './messaging.ts';
