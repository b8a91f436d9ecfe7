import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';

/** A Prometheus rule file's content, as the PrometheusRule resource's spec takes it. */
export interface RuleFile {
  groups: { name: string; rules: Record<string, unknown>[] }[];
}

const repoFile = (rel: string) => new URL(`../../../${rel}`, import.meta.url);

/**
 * The generated monitoring files (npm run alerts -- render): the same rule file promtool tests and the local
 * Prometheus loads, and the dashboards. Read, not regenerated, so the cloud gets exactly what was reviewed.
 */
export function loadMonitoringFiles(): { rules: RuleFile; dashboards: Record<string, string> } {
  const rules = parse(readFileSync(repoFile('monitoring/alerts.rules.yml'), 'utf8')) as RuleFile;
  if (!rules || !Array.isArray(rules.groups)) throw new Error('monitoring/alerts.rules.yml has no groups: run npm run alerts -- render');
  const dir = repoFile('monitoring/dashboards/');
  const dashboards = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, readFileSync(new URL(f, dir), 'utf8')]));
  return { rules, dashboards };
}
