import { pino, type DestinationStream, type Logger } from 'pino';
import { activeTraceIds } from './tracing/tracing.ts';

export type { Logger };

/**
 * JSON logs on stdout, one line an event, with the service's name on each; when traced, a line
 * written inside a span carries its trace_id and span_id (the ids the trace store shows).
 */
export function createLogger(service: string, level: string, traced = false, destination?: DestinationStream): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, ...(traced ? { mixin: activeTraceIds } : {}) };
  return destination ? pino(options, destination) : pino(options);
}
