import type { Service } from '@msa/catalog';
import type { AlertRule } from './types.ts';

/**
 * Alerts on metrics a service defines itself (not the kit), by catalog name; each metric named here
 * must appear in apps/<name>/src (a test checks), so a renamed metric cannot leave a silent rule.
 */
/** ORDER_SAGA_TIMEOUT's default (apps/order/src/env.ts; a test checks they agree) plus a minute of sweeps. */
export const orderSagaTimeoutSeconds = 300;
export const sagaStuckSeconds = orderSagaTimeoutSeconds + 60;

export const appAlerts: Record<string, { metrics: string[]; rules: (svc: Service) => AlertRule[] }> = {
  order: {
    metrics: ['order_saga_timeouts_total', 'order_oldest_open_age_seconds'],
    rules: (svc) => [
      {
        alert: 'SagaStuck',
        // The deadline sweep cancels an order ORDER_SAGA_TIMEOUT after it was placed; one older than
        // that plus a minute means the sweep itself cannot run (database away, sweep failing).
        expr: `max by (service) (order_oldest_open_age_seconds{service="${svc.name}"}) > ${sagaStuckSeconds}`,
        labels: { severity: 'page', service: svc.name, team: svc.team },
        annotations: {
          summary: `${svc.name}: an order not final ${sagaStuckSeconds}s after it was placed, past its saga deadline`,
          description: 'The deadline sweep has not cancelled it: look for ServiceUnavailable, DatabasePoolSaturated or "saga deadline sweep failed" in the logs. Oldest open order: {{ $value }}s; see order_open_orders{status}.',
        },
      },
      {
        alert: 'SagaDeadlinePassed',
        expr: `sum by (service) (increase(order_saga_timeouts_total{service="${svc.name}"}[15m])) > 0`,
        labels: { severity: 'ticket', service: svc.name, team: svc.team },
        annotations: {
          summary: `${svc.name}: orders cancelled in the last 15m because their saga was not final within ORDER_SAGA_TIMEOUT`,
          description: 'A saga got stuck (an event lost or a consumer down for longer than the deadline); the sweep cancelled the orders and compensated. Look for KafkaConsumerDown, OutboxBacklogStale or DeadLettersAppearing.',
        },
      },
    ],
  },
};

export const appAlertsFor = (svc: Service): AlertRule[] => appAlerts[svc.name]?.rules(svc) ?? [];
