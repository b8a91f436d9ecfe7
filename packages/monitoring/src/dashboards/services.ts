import type { Catalog } from '@msa/catalog';
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { timeseries } from './panels.ts';
import { escapeRegex, serviceVariable } from './selectors.ts';

/**
 * RED per service (rate, errors, duration of its API) plus its readiness and circuit breakers. One dashboard with
 * a `service` variable whose values come from the catalog, so a new service folder appears here by itself.
 */
export function servicesDashboard(catalog: Catalog) {
  // Probes, metrics and OpenAPI are not the API; their paths are the catalog's (the same for every service by contract).
  const internal = [...new Set(catalog.services.flatMap((s) => [s.http.health, s.http.readiness, s.http.metrics, s.http.openapi]))];
  const api = `service="$service",route!~"${internal.map(escapeRegex).join('|')}"`;
  return new DashboardBuilder('Services: rate, errors, duration')
    .uid('msa-services').tags(['msa', 'red']).refresh('30s').readonly()
    .withVariable(serviceVariable(catalog, { all: false }))
    .withRow(new RowBuilder('API'))
    .withPanel(timeseries('Request rate', 'Requests per second by route', 'reqps', [
      { expr: `sum by (route) (rate(http_request_duration_seconds_count{${api}}[5m]))`, legend: '{{route}}' },
    ], 8))
    .withPanel(timeseries('Error ratio', 'Share of requests answered 5xx', 'percentunit', [
      { expr: `sum(rate(http_request_duration_seconds_count{${api},status=~"5.."}[5m])) / sum(rate(http_request_duration_seconds_count{${api}}[5m]))`, legend: '5xx' },
    ], 8))
    .withPanel(timeseries('Duration p99', 'p99 request duration by route', 's', [
      { expr: `histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{${api}}[5m])))`, legend: '{{route}}' },
    ], 8))
    .withRow(new RowBuilder('Health'))
    .withPanel(timeseries('Readiness checks', '1 while a check passes (database, kafka, consumer, outbox)', 'short', [
      { expr: 'min by (check) (service_dependency_up{service="$service"})', legend: '{{check}}' },
    ]))
    .withPanel(timeseries('Circuit breakers', '1 open, 0.5 half-open, 0 closed, per dependency', 'short', [
      { expr: 'max by (dependency) (circuit_breaker_open{service="$service"})', legend: '{{dependency}}' },
    ]))
    .withPanel(timeseries('Resident memory', 'Per pod', 'bytes', [
      { expr: 'process_resident_memory_bytes{service="$service"}', legend: '{{pod}}' },
    ]))
    .withPanel(timeseries('Database pool', 'Clients waiting for a connection', 'short', [
      { expr: 'sum(db_pool_waiting_clients{service="$service"})', legend: 'waiting' },
    ]));
}
