import client from 'prom-client';
import { outboxMetrics } from './messaging/outbox-metrics.ts';

/** One registry per service process, with the default process metrics and the kit's own. */
export function createMetrics(service: string, version?: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  // Which release runs, the Prometheus way: a gauge fixed at 1 whose label is the version.
  if (version) new client.Gauge({ name: 'service_info', help: 'The release this process runs (SERVICE_VERSION)', labelNames: ['version'], registers: [registry] }).set({ version }, 1);
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
    deadLettered: new client.Counter({
      name: 'kafka_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by source topic and reason: invalid_message (not an event envelope), permanent (the handler refused it), attempts_exhausted (an unknown failure outlived CONSUMER_MAX_ATTEMPTS)',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    }),
    consumerUp: new client.Gauge({
      name: 'kafka_consumer_up',
      help: '1 while the consumer is in its group and consuming (also while it waits on a transient failure), 0 while starting or restarting',
      registers: [registry],
    }),
    consumerRestarts: new client.Counter({
      name: 'kafka_consumer_restarts_total',
      help: 'Times the consumer loop died (offset commit or dead-letter send failed, group lost) and was rebuilt',
      registers: [registry],
    }),
    consumerTransientFailures: new client.Counter({
      name: 'kafka_consumer_transient_failures_total',
      help: 'Failed attempts at a message that will be retried, not dead-lettered (database away, serialization conflict)',
      labelNames: ['topic'],
      registers: [registry],
    }),
    consumerRetrySeconds: new client.Gauge({
      name: 'kafka_consumer_transient_failure_seconds',
      help: 'How long the message in hand has been failing transiently; 0 when none is',
      registers: [registry],
    }),
    dependencyUp: new client.Gauge({
      name: 'service_dependency_up',
      help: 'Each readiness check: 1 when ok, 0 when not (database, kafka, consumer, outbox, ...)',
      labelNames: ['check'],
      registers: [registry],
    }),
    readiness: new client.Gauge({
      name: 'service_readiness_status',
      help: '1 for the status the service reports on its readiness endpoint (ok, degraded, unavailable), 0 for the others',
      labelNames: ['status'],
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
    breakerCalls: new client.Counter({
      name: 'circuit_breaker_calls_total',
      help: 'Calls through the circuit breaker to a dependency, by result: success, failure (timeouts included), rejected (breaker open: not attempted, the caller takes its fallback)',
      labelNames: ['dependency', 'result'],
      registers: [registry],
    }),
    ...outboxMetrics(registry),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
