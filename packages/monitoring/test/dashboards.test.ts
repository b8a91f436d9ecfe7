import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { DASHBOARDS_DIR, buildDashboards, dashboardQueries, renderDashboards } from '../src/index.ts';

const root = findRepoRoot();
const catalog = loadCatalog(root);
const dashboards = buildDashboards(catalog);
const queries = Object.entries(dashboards).flatMap(([file, d]) => dashboardQueries(d).map((expr) => ({ file, expr })));

/** Every metric name some code registers: `name: '<metric>'` in the kit and the apps, with a histogram's series. */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  const scan = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'test') scan(p);
      else if (entry.name.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/name: '([a-z][a-z0-9_]*)'/g)) names.add(m[1]!);
    }
  };
  scan(path.join(root, 'packages/service-kit/src'));
  for (const app of readdirSync(path.join(root, 'apps'))) scan(path.join(root, 'apps', app));
  // prom-client's default process metrics, which the kit registers by collectDefaultMetrics.
  names.add('process_resident_memory_bytes');
  return new Set([...names].flatMap((n) => [n, `${n}_bucket`, `${n}_sum`, `${n}_count`]));
}

/** The metric names a query selects: an identifier directly followed by a label matcher. */
const metricsIn = (expr: string) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);

describe('dashboards as code', () => {
  it('are committed as npm run alerts -- render writes them', () => {
    for (const [file, text] of Object.entries(renderDashboards(catalog))) {
      expect(readFileSync(path.join(root, DASHBOARDS_DIR, file), 'utf8'), `${DASHBOARDS_DIR}/${file} is stale: run npm run alerts -- render`).toBe(text);
    }
    expect(readdirSync(path.join(root, DASHBOARDS_DIR)).sort()).toEqual(Object.keys(dashboards).sort());
  });

  it('cover the saga, each service RED, Kafka lag, outbox backlog and breaker state', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const metric of ['order_saga_duration_seconds_bucket', 'http_request_duration_seconds_count', 'kafka_consumer_lag_messages', 'outbox_backlog_events', 'circuit_breaker_open']) {
      expect(all).toContain(metric);
    }
  });

  it('offer every catalog service in their service variable', () => {
    const vars = Object.values(dashboards).flatMap((d) => ((d.templating as { list?: { name: string; query: string }[] }).list ?? []));
    expect(vars.length).toBeGreaterThan(0);
    for (const v of vars.filter((x) => x.name === 'service')) expect(v.query.split(',').sort()).toEqual(catalog.services.map((s) => s.name).sort());
  });

  it('query only metrics that the kit or a service registers', () => {
    const known = registeredMetrics();
    for (const { file, expr } of queries) {
      const metrics = metricsIn(expr);
      expect(metrics.length, `${file}: no metric found in ${expr}`).toBeGreaterThan(0);
      for (const m of metrics) expect(known.has(m), `${file} queries ${m}, which no code registers`).toBe(true);
    }
  });

  it('are valid PromQL, as Prometheus itself parses it (promtool check rules)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboards-'));
    const file = path.join(dir, 'queries.rules.yml');
    // Grafana fills $service before Prometheus sees the query; a real service name stands in for it here.
    const rules = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr.replaceAll('$service', catalog.services[0]!.name) }));
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
    const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    if (run.error) throw new Error(`promtool not found (${run.error.message}): run npm run setup`);
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(`${rules.length} rules found`);
  });
});
