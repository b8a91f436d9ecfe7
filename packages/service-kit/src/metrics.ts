import client from 'prom-client';
import { outboxMetrics } from './messaging/outbox-metrics.ts';

/** One registry per service process, with the default process metrics and the kit's own. */
export function createMetrics(service: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    httpDuration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    consumed: new client.Counter({
      name: 'kafka_messages_consumed_total',
      help: 'Messages handled by outcome: processed, duplicate, ignored, dead_lettered',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    }),
    published: new client.Counter({
      name: 'outbox_events_published_total',
      help: 'Outbox events published to Kafka',
      registers: [registry],
    }),
    breakerState: new client.Gauge({
      name: 'circuit_breaker_open',
      help: '1 while the circuit breaker to a dependency is open, 0.5 half-open, 0 closed',
      labelNames: ['dependency'],
      registers: [registry],
    }),
    ...outboxMetrics(registry),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
