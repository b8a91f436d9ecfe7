import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findRepoRoot, loadCatalog, type Service } from '@msa/catalog';
import { createMetrics } from '@msa/service-kit';
import { RULES_FILE, appAlerts, buildRuleGroups, orderSagaTimeoutSeconds, renderRules, serviceAlerts, slo, type AlertRule } from '../src/index.ts';
import { orderEnvSchema } from '../../../apps/order/src/env.ts';

const root = findRepoRoot();
const catalog = loadCatalog(root);
const testsDir = path.join(root, 'monitoring/tests');
const testFiles = readdirSync(testsDir).filter((f) => f.endsWith('.test.yml')).map((f) => path.join(testsDir, f));

function promtool(...args: string[]): string {
  const run = spawnSync('promtool', args, { cwd: root, encoding: 'utf8' });
  if (run.error) throw new Error(`promtool not found (${run.error.message}): run npm run setup, which installs Debian's "prometheus" package`);
  if (run.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

const alertRules = (): AlertRule[] => buildRuleGroups(catalog).flatMap((g) => g.rules.filter((r): r is AlertRule => 'alert' in r));

/** Per alert name and service: evaluations where promtool expects it to fire, and where it expects silence with that service's series present. */
function coverage(): { firing: Set<string>; silent: Set<string> } {
  const firing = new Set<string>();
  const silent = new Set<string>();
  for (const file of testFiles) {
    for (const group of parse(readFileSync(file, 'utf8')).tests) {
      const present = new Set<string>(group.input_series.map((s: { series: string }) => /service="([^"]+)"/.exec(s.series)?.[1]));
      for (const t of group.alert_rule_test ?? []) {
        const fired = new Set<string>((t.exp_alerts ?? []).map((a: { exp_labels: { service: string } }) => a.exp_labels.service));
        for (const svc of fired) firing.add(`${t.alertname}/${svc}`);
        for (const svc of present) if (!fired.has(svc)) silent.add(`${t.alertname}/${svc}`);
      }
    }
  }
  return { firing, silent };
}

/** The rule's text with its service's name and team replaced by another rule's: equal text means equal behaviour. */
function asFor(rule: AlertRule, other: AlertRule): string {
  const word = (w = '') => new RegExp(`\\b${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
  const { service = '', team = '' } = other.labels;
  return JSON.stringify(rule).replace(word(rule.labels.team), team).replace(word(rule.labels.service), service);
}

/**
 * Alerts promtool does not exercise for their own service: fine only when they are, word for word
 * but for the service's name and team, a catalog rule promtool exercises for another service (so a
 * service added to the catalog needs no new promtool case to be covered).
 */
function untested(rules: AlertRule[], tested: (key: string) => boolean): string[] {
  const key = (r: AlertRule) => `${r.alert}/${r.labels.service}`;
  const proven = alertRules().filter((r) => tested(key(r)));
  return rules
    .filter((r) => !tested(key(r)) && !proven.some((p) => p.alert === r.alert && asFor(r, p) === JSON.stringify(p)))
    .map(key);
}

describe('alert rules generated from the catalog', () => {
  it(`${RULES_FILE} is what npm run alerts -- render writes from the catalog today`, () => {
    const committed = readFileSync(path.join(root, RULES_FILE), 'utf8');
    expect(committed, `${RULES_FILE} is stale: run npm run alerts -- render and commit it`).toBe(renderRules(catalog));
  });

  it('passes promtool check rules', () => {
    expect(promtool('check', 'rules', RULES_FILE)).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('passes every promtool unit test under monitoring/tests', () => {
    expect(testFiles.length).toBeGreaterThan(0);
    expect(promtool('test', 'rules', ...testFiles.map((f) => path.relative(root, f)))).toContain('SUCCESS');
  });

  it('has a firing and a non-firing promtool case for every alert of every service (its own, or those of the same rule for another service)', () => {
    const { firing, silent } = coverage();
    expect(alertRules().length).toBeGreaterThan(0);
    const missing = untested(alertRules(), (k) => firing.has(k) && silent.has(k));
    const say = (k: string) => `${k}: ${firing.has(k) ? '' : 'no firing case '}${silent.has(k) ? '' : 'no non-firing case'}`;
    expect(missing.map(say), 'alerts promtool does not exercise').toEqual([]);
  });

  it("covers a service added to the catalog through the promtool cases of a service with the same parts", () => {
    const { firing, silent } = coverage();
    const tested = (k: string) => firing.has(k) && silent.has(k);
    const billing = { ...catalog.byName('inventory'), name: 'billing', team: 'finance' };
    expect(untested([...alertRules(), ...serviceAlerts(billing)], tested)).toEqual([]);
    // A rule that differs in more than the name is not covered by its neighbour's cases.
    const odd = serviceAlerts(billing).map((r) => (r.alert === 'KafkaConsumerDown' ? { ...r, for: '30m' } : r));
    expect(untested(odd, tested)).toEqual(['KafkaConsumerDown/billing']);
  });

  it('tests no alert the rules do not define', () => {
    const rules = new Set(alertRules().map((r) => `${r.alert}/${r.labels.service}`));
    const { firing } = coverage();
    expect([...firing].filter((f) => !rules.has(f))).toEqual([]);
  });

  it("puts the latency objective's threshold on a bucket boundary of the kit's http_request_duration_seconds", async () => {
    const metrics = createMetrics('probe');
    metrics.httpDuration.observe({ method: 'POST', route: '/orders', status: '201' }, 0.1);
    const text = await metrics.registry.getSingleMetricAsString('http_request_duration_seconds');
    expect(text).toContain(`le="${slo.latency.thresholdSeconds}"`);
  });

  it("derives each service's alerts from its catalog entry: consumer alerts only with topics to consume, breaker only with callees", () => {
    const order = catalog.byName('order');
    const names = (svc: Service) => serviceAlerts(svc).map((r) => r.alert);
    expect(names(order)).toContain('CircuitBreakerOpen');
    expect(names(catalog.byName('inventory'))).not.toContain('CircuitBreakerOpen');
    const silent = { ...order, topics: { produces: [], consumes: [] }, calls: [] };
    expect(names(silent)).toEqual(['DatabasePoolSaturated', 'ServiceUnavailable']);
    // A Redis store has no PostgreSQL pool: its consumer alerts, no pool alert.
    const onRedis = names({ ...catalog.byName('inventory'), database: undefined, store: { engine: 'redis' } } as Service);
    expect(onRedis).toEqual(expect.arrayContaining(['KafkaConsumerDown', 'KafkaConsumerLagGrowing', 'DeadLettersAppearing']));
    expect(onRedis).not.toContain('DatabasePoolSaturated');
    expect(serviceAlerts(order).every((r) => r.labels.team === order.team)).toBe(true);
  });

  it("names in a service's own alerts only metrics that service's source defines", () => {
    for (const [name, app] of Object.entries(appAlerts)) {
      const src = path.join(catalog.byName(name).dir, 'src');
      const text = readdirSync(src, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => readFileSync(path.join(src, f), 'utf8'))
        .join('\n');
      for (const metric of app.metrics) expect(text, `${metric} in apps/${name}/src`).toContain(`'${metric}'`);
    }
  });

  it('gives SLO alerts only to the public service', () => {
    const slo = buildRuleGroups(catalog).filter((g) => g.name.startsWith('slo:')).map((g) => g.name);
    expect(slo).toEqual(catalog.services.filter((s) => s.public).map((s) => `slo:${s.name}`));
  });

  it("bounds SagaStuck by the order service's own default ORDER_SAGA_TIMEOUT", () => {
    expect(orderSagaTimeoutSeconds * 1000).toBe(orderEnvSchema.shape.ORDER_SAGA_TIMEOUT.parse(undefined));
  });
});
