import type { Catalog } from '@msa/catalog';
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { timeseries } from './panels.ts';
import { serviceVariable } from './selectors.ts';

/** Kafka and the outbox across all services: lag, consumer loops, dead letters, relay backlog. */
export function messagingDashboard(catalog: Catalog) {
  return new DashboardBuilder('Messaging: Kafka and outbox')
    .uid('msa-messaging').tags(['msa', 'kafka']).refresh('30s').readonly()
    .withVariable(serviceVariable(catalog, { all: true }))
    .withRow(new RowBuilder('Consumers'))
    .withPanel(timeseries('Consumer lag', 'Messages not yet consumed, per service and topic', 'short', [
      { expr: `sum by (service, topic) (kafka_consumer_lag_messages{service=~"$service"})`, legend: '{{service}} {{topic}}' },
    ]))
    .withPanel(timeseries('Consumer loops up', '1 while a service consumes; 0 while it restarts', 'short', [
      { expr: `min by (service) (kafka_consumer_up{service=~"$service"})`, legend: '{{service}}' },
    ]))
    .withPanel(timeseries('Messages handled', 'Per second by outcome', 'ops', [
      { expr: `sum by (service, outcome) (rate(kafka_messages_consumed_total{service=~"$service"}[5m]))`, legend: '{{service}} {{outcome}}' },
    ]))
    .withPanel(timeseries('Dead letters', 'Messages dead-lettered per second, by reason', 'ops', [
      { expr: `sum by (service, reason) (rate(kafka_dead_letters_total{service=~"$service"}[5m]))`, legend: '{{service}} {{reason}}' },
    ]))
    .withRow(new RowBuilder('Outbox relay'))
    .withPanel(timeseries('Outbox backlog', 'Events written but not yet published', 'short', [
      { expr: `max by (service) (outbox_backlog_events{service=~"$service"})`, legend: '{{service}}' },
    ]))
    .withPanel(timeseries('Oldest unpublished event', 'Age of the oldest event waiting in each outbox', 's', [
      { expr: `max by (service) (outbox_oldest_unpublished_age_seconds{service=~"$service"})`, legend: '{{service}}' },
    ]))
    .withPanel(timeseries('Published and failed', 'Events published and publish attempts that failed, per second', 'ops', [
      { expr: `sum by (service) (rate(outbox_events_published_total{service=~"$service"}[5m]))`, legend: '{{service}} published' },
      { expr: `sum by (service) (rate(outbox_publish_failures_total{service=~"$service"}[5m]))`, legend: '{{service}} failed' },
    ]));
}
