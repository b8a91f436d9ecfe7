import client from 'prom-client';
import type { OutboxBacklog } from '../events/outbox-backlog.ts';

/** The relay's and the retention task's own counters; part of every service's Metrics. */
export function outboxMetrics(registry: client.Registry) {
  return {
    publishFailures: new client.Counter({
      name: 'outbox_publish_failures_total',
      help: 'Outbox relay attempts that published nothing, by reason: broker (Kafka refused or timed out) or database',
      labelNames: ['reason'],
      registers: [registry],
    }),
    relayLeader: new client.Gauge({
      name: 'outbox_relay_leader',
      help: '1 while this replica holds its service outbox publishing lock, else 0',
      registers: [registry],
    }),
    retentionDeleted: new client.Counter({
      name: 'retention_deleted_rows_total',
      help: 'Rows the retention task deleted, by table (published outbox rows, processed_messages marks)',
      labelNames: ['table'],
      registers: [registry],
    }),
  };
}

/** Gauges read from the outbox at each scrape (both from one read: OutboxBacklog caches it); a failed read keeps the last values. */
export function registerBacklogGauges(registry: client.Registry, backlog: OutboxBacklog): void {
  new client.Gauge({
    name: 'outbox_backlog_events',
    help: 'Outbox events of this service not yet published to Kafka',
    registers: [registry],
    async collect() {
      const b = await backlog.read().catch(() => undefined);
      if (b) this.set(b.events);
    },
  });
  new client.Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest outbox event not yet published (0 when none)',
    registers: [registry],
    async collect() {
      const b = await backlog.read().catch(() => undefined);
      if (b) this.set(b.oldestAgeMs / 1000);
    },
  });
}
