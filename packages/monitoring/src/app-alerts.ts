import type { Service } from '@msa/catalog';
import type { AlertRule } from './types.ts';

/**
 * Alerts on metrics a service defines itself (not the kit), by catalog name; each metric named here
 * must appear in apps/<name>/src (a test checks), so a renamed metric cannot leave a silent rule.
 */
export const appAlerts: Record<string, { metrics: string[]; rules: (svc: Service) => AlertRule[] }> = {
  order: {
    metrics: ['order_saga_timeouts_total'],
    rules: (svc) => [
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
