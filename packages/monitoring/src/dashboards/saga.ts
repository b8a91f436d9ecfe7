import type { Catalog } from '@msa/catalog';
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { stat, timeseries } from './panels.ts';

/**
 * The saga as a business sees it: orders placed, sagas reaching a final state by outcome, how long they take and
 * how many are stuck. The saga's owner is the catalog's public service that places orders (it owns the order
 * table and the deadline sweep), so the panels follow its name.
 */
export function sagaDashboard(catalog: Catalog) {
  const owner = catalog.services.find((s) => s.public)?.name ?? 'order';
  const sel = `service="${owner}"`;
  return new DashboardBuilder('Order saga')
    .uid('msa-saga').tags(['msa', 'saga']).refresh('30s').readonly()
    .withRow(new RowBuilder('Flow'))
    .withPanel(timeseries('Orders placed', 'Accepted POST /orders per second', 'reqps', [
      { expr: `sum(rate(http_request_duration_seconds_count{${sel},method="POST",route="/orders",status=~"2.."}[5m]))`, legend: 'placed' },
    ]))
    .withPanel(timeseries('Sagas finished by outcome', 'Orders reaching a final state per second', 'ops', [
      { expr: `sum by (outcome) (rate(order_saga_duration_seconds_count{${sel}}[5m]))`, legend: '{{outcome}}' },
    ]))
    .withRow(new RowBuilder('Time and stuck sagas'))
    .withPanel(timeseries('Saga duration', 'Placement to final state, p50 and p99 by outcome', 's', [
      { expr: `histogram_quantile(0.5, sum by (le, outcome) (rate(order_saga_duration_seconds_bucket{${sel}}[5m])))`, legend: 'p50 {{outcome}}' },
      { expr: `histogram_quantile(0.99, sum by (le, outcome) (rate(order_saga_duration_seconds_bucket{${sel}}[5m])))`, legend: 'p99 {{outcome}}' },
    ]))
    .withPanel(timeseries('Open orders by status', 'Orders not yet final, in each status now', 'short', [
      { expr: `sum by (status) (order_open_orders{${sel}})`, legend: '{{status}}' },
    ]))
    .withPanel(stat('Oldest unfinished order', 'Age of the oldest order not yet in a final state', 's', {
      expr: `max(order_oldest_open_age_seconds{${sel}})`, legend: 'age',
    }))
    .withPanel(stat('Deadline cancellations (1h)', 'Sagas the sweep cancelled because they passed ORDER_SAGA_TIMEOUT', 'short', {
      expr: `sum(increase(order_saga_timeouts_total{${sel}}[1h]))`, legend: 'cancelled',
    }));
}
