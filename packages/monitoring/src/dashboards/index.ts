import type { Catalog } from '@msa/catalog';
import { messagingDashboard } from './messaging.ts';
import { sagaDashboard } from './saga.ts';
import { servicesDashboard } from './services.ts';

/** Where the rendered dashboards live, relative to the repository root; committed, and shipped by the cloud stacks. */
export const DASHBOARDS_DIR = 'monitoring/dashboards';

/** Each dashboard as Grafana's JSON model, keyed by file name. */
export function buildDashboards(catalog: Catalog): Record<string, Record<string, unknown>> {
  const built = [sagaDashboard(catalog), servicesDashboard(catalog), messagingDashboard(catalog)].map((b) => b.build());
  return Object.fromEntries(built.map((d) => [`${d.uid}.json`, d as unknown as Record<string, unknown>]));
}

export function renderDashboards(catalog: Catalog): Record<string, string> {
  return Object.fromEntries(Object.entries(buildDashboards(catalog)).map(([file, d]) => [file, `${JSON.stringify(d, null, 2)}\n`]));
}

/** Every PromQL expression of a dashboard, for validation. */
export function dashboardQueries(d: Record<string, unknown>): string[] {
  const panels = (d.panels ?? []) as { targets?: { expr?: string }[] }[];
  return panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr).filter((e): e is string => typeof e === 'string'));
}
