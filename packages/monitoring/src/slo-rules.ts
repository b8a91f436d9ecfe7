import type { Service } from '@msa/catalog';
import type { AlertRule, RecordingRule, RuleGroup } from './types.ts';

/** The public API's objectives. The latency threshold must be a bucket boundary of http_request_duration_seconds. */
export const slo = {
  availability: { objective: 0.999 },
  latency: { objective: 0.999, method: 'POST', route: '/orders', thresholdSeconds: 0.5 },
} as const;

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs"): each pair is a long
 * window that proves the budget is really burning and a short one that proves it still is, so an
 * alert resolves minutes after the burn stops. Page: 2% of a 30-day budget in 1h or 5% in 6h;
 * ticket: 10% in 1d or 10% in 3d.
 */
const burns = {
  Fast: { severity: 'page', pairs: [{ long: '1h', short: '5m', factor: 14.4 }, { long: '6h', short: '30m', factor: 6 }] },
  Slow: { severity: 'ticket', pairs: [{ long: '1d', short: '2h', factor: 3 }, { long: '3d', short: '6h', factor: 1 }] },
} as const;
const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

// A regex metacharacter needs a backslash, and a PromQL string needs that backslash doubled.
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
const round = (x: number) => Number(x.toPrecision(6));

interface Sli {
  /** Alert name stem and recording rule name. */
  name: string;
  record: string;
  objective: number;
  /** The bad-event ratio over a window. */
  ratio: (w: string) => string;
  what: string;
}

/** The SLIs of the catalog's public service: 5xx ratio of its API (probes and /metrics excluded), and slow POST /orders. */
function slis(svc: Service): Sli[] {
  const probes = [svc.http.health, svc.http.readiness, svc.http.metrics, svc.http.openapi].map(escapeRegex).join('|');
  const api = `service="${svc.name}",route!~"${probes}"`;
  const count = 'http_request_duration_seconds_count';
  const { method, route, thresholdSeconds } = slo.latency;
  const op = `service="${svc.name}",method="${method}",route="${route}"`;
  return [
    {
      name: 'ApiErrorBudgetBurn',
      record: 'service:http_requests_5xx:ratio_rate',
      objective: slo.availability.objective,
      ratio: (w) => `sum by (service) (rate(${count}{${api},status=~"5.."}[${w}])) / sum by (service) (rate(${count}{${api}}[${w}]))`,
      what: `5xx answers of the ${svc.name} API (objective ${slo.availability.objective * 100}% non-5xx)`,
    },
    {
      name: 'ApiLatencyBudgetBurn',
      record: 'service:post_orders_slow:ratio_rate',
      objective: slo.latency.objective,
      ratio: (w) =>
        `1 - sum by (service) (rate(http_request_duration_seconds_bucket{${op},le="${thresholdSeconds}"}[${w}]))` +
        ` / sum by (service) (rate(${count}{${op}}[${w}]))`,
      what: `${method} ${route} answers slower than ${thresholdSeconds * 1000} ms (objective ${slo.latency.objective * 100}% faster)`,
    },
  ];
}

function recordings(sli: Sli): RecordingRule[] {
  return windows.map((w) => ({ record: `${sli.record}${w}`, expr: sli.ratio(w) }));
}

function burnAlerts(sli: Sli, svc: Service): AlertRule[] {
  const budget = 1 - sli.objective;
  return Object.entries(burns).map(([speed, b]) => ({
    alert: `${sli.name}${speed}`,
    expr: b.pairs
      .map((p) => {
        const bound = round(p.factor * budget);
        return `(${sli.record}${p.long}{service="${svc.name}"} > ${bound} and ${sli.record}${p.short}{service="${svc.name}"} > ${bound})`;
      })
      .join(' or '),
    labels: { severity: b.severity, service: svc.name, team: svc.team },
    annotations: {
      summary: `${svc.name}: error budget burning ${speed === 'Fast' ? 'fast' : 'slowly'}: ${sli.what}`,
      description: b.pairs.map((p) => `${p.factor}x the budget over ${p.long} and ${p.short}`).join(', or ') + '.',
    },
  }));
}

/** One group per public service: its SLI ratios at every window, then the burn-rate alerts on them. */
export function sloGroups(services: Service[]): RuleGroup[] {
  return services
    .filter((s) => s.public)
    .map((svc) => {
      const all = slis(svc);
      return { name: `slo:${svc.name}`, rules: [...all.flatMap(recordings), ...all.flatMap((sli) => burnAlerts(sli, svc))] };
    });
}
