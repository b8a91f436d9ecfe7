import { hasDatabase, type Service } from '@msa/catalog';
import { baseEnvSchema } from '@msa/service-kit';
import type { AlertRule } from './types.ts';

/**
 * The backlog age alerts use the bound readiness uses (OUTBOX_MAX_AGE_MS's default from the kit's
 * env schema), so "the outbox is stalled" means the same thing on /readyz and in an alert.
 */
export const outboxMaxAgeSeconds = baseEnvSchema.shape.OUTBOX_MAX_AGE_MS.parse(undefined) / 1000;

/** A message failing transiently this long means the consumer's partition is stuck, not retrying a blip. */
export const transientFailureBoundSeconds = 60;

/** The lag alert's window and hold: long enough to ride out a burst, short enough to see a stuck consumer within a minute. */
export const lagWindow = '2m';
export const lagFor = '30s';

/** Alerts every service gets from its catalog entry: only the parts it has (a consumer, an outbox, callees). */
export function serviceAlerts(svc: Service): AlertRule[] {
  const sel = `service="${svc.name}"`;
  const labels = (severity: 'page' | 'ticket') => ({ severity, service: svc.name, team: svc.team });
  const rules: AlertRule[] = [];
  if (svc.topics.consumes.length > 0) {
    rules.push(
      {
        alert: 'KafkaConsumerDown',
        expr: `kafka_consumer_up{${sel}} == 0`,
        // Joining the group after a restart takes up to a session timeout (10 s); two minutes is a dead loop.
        for: '2m',
        labels: labels('page'),
        annotations: {
          summary: `${svc.name}: consumer loop on {{ $labels.instance }} not consuming for 2m`,
          description: `kafka_consumer_up is 0 (starting or restarting); events on its topics (apps/${svc.name}/service.yaml topics.consumes) wait. See /readyz "consumer" and kafka_consumer_restarts_total.`,
        },
      },
      {
        alert: 'KafkaConsumerDegraded',
        expr: `kafka_consumer_transient_failure_seconds{${sel}} > ${transientFailureBoundSeconds}`,
        labels: labels('ticket'),
        annotations: {
          summary: `${svc.name}: a message has failed transiently for over ${transientFailureBoundSeconds}s on {{ $labels.instance }}`,
          description: 'The consumer retries it (database away, serialization conflict) and holds its partition back meanwhile. Value: {{ $value }}s.',
        },
      },
      {
        alert: 'DeadLettersAppearing',
        // increase() misses a counter series' first sample, and a topic/reason series is born at its
        // first dead letter; the second arm catches a series that did not exist 10 minutes ago.
        expr:
          `sum by (service, topic, reason) (increase(kafka_dead_letters_total{${sel}}[10m])) > 0` +
          ` or sum by (service, topic, reason) (kafka_dead_letters_total{${sel}}` +
          ` unless kafka_dead_letters_total{${sel}} offset 10m)`,
        labels: labels('ticket'),
        annotations: {
          summary: `${svc.name}: messages from {{ $labels.topic }} dead-lettered in the last 10m ({{ $labels.reason }})`,
          description: `Inspect and replay with: npm run dlq -- list ${svc.name}`,
        },
      },
      {
        alert: 'KafkaConsumerLagGrowing',
        // Every replica reads the same group lag from the brokers: max by partition is one answer. A
        // healthy consumer's lag hovers (deriv about 0); a stuck one's climbs while producers go on.
        expr:
          `sum by (service, topic) (max by (service, topic, partition) (kafka_consumer_lag_messages{${sel}})) > 0` +
          ` and sum by (service, topic) (max by (service, topic, partition) (deriv(kafka_consumer_lag_messages{${sel}}[${lagWindow}]))) > 0`,
        for: lagFor,
        labels: labels('ticket'),
        annotations: {
          summary: `${svc.name}: consumer lag on {{ $labels.topic }} growing for ${lagFor}`,
          description: 'The group commits slower than producers write (consumer stuck, retrying, or too slow); the saga waits. Check KafkaConsumerDown, KafkaConsumerDegraded and DatabasePoolSaturated. Lag: {{ $value }} messages.',
        },
      },
    );
  }
  // Only a service on PostgreSQL has the kit's connection pool (db_pool_*); a Redis store's client
  // queues no callers the same way, so a Redis service has no such series to alert on.
  if (hasDatabase(svc)) {
    rules.push({
      alert: 'DatabasePoolSaturated',
      // Callers queue only when every pooled connection is busy (or the database refuses new ones).
      expr: `max by (service, instance) (min_over_time(db_pool_waiting_clients{${sel}}[1m])) > 0`,
      labels: labels('ticket'),
      annotations: {
        summary: `${svc.name}: callers waiting for a database connection for 1m on {{ $labels.instance }}`,
        description: 'Every connection of the pool is busy or the database refuses new ones; requests and messages queue. See db_pool_connections{state} and service_dependency_up{check="database"}.',
      },
    });
  }
  if (svc.topics.produces.length > 0) {
    rules.push({
      alert: 'OutboxBacklogStale',
      // Every replica reads the same outbox table, so max by service is one answer, not one per replica.
      expr: `max by (service) (outbox_oldest_unpublished_age_seconds{${sel}}) > ${outboxMaxAgeSeconds}`,
      labels: labels('page'),
      annotations: {
        summary: `${svc.name}: oldest unpublished outbox event older than ${outboxMaxAgeSeconds}s (OUTBOX_MAX_AGE_MS)`,
        description: 'Events to other services are not leaving; the saga waits. Check outbox_publish_failures_total{reason} and outbox_relay_leader. Age: {{ $value }}s.',
      },
    });
  }
  if (svc.calls.length > 0) {
    rules.push({
      alert: 'CircuitBreakerOpen',
      // An outage cycles open -> half-open -> open; "never closed for 2m" keeps the alert through the cycle.
      expr: `max by (service, dependency) (min_over_time(circuit_breaker_open{${sel}}[2m])) > 0`,
      labels: labels('ticket'),
      annotations: {
        summary: `${svc.name}: circuit breaker to {{ $labels.dependency }} not closed for 2m`,
        description: 'Calls to the dependency fail fast and the service serves its fallback.',
      },
    });
  }
  rules.push({
    alert: 'ServiceUnavailable',
    expr: `service_readiness_status{${sel},status="unavailable"} == 1`,
    for: '2m',
    labels: labels('page'),
    annotations: {
      summary: `${svc.name}: replica {{ $labels.instance }} not ready for 2m`,
      description: 'A required readiness check fails (database, outbox stalled, shutdown); see /readyz and service_dependency_up{check}.',
    },
  });
  return rules;
}
