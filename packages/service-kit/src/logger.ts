import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout, one line an event, with the service's name on each. */
export function createLogger(service: string, level: string): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
