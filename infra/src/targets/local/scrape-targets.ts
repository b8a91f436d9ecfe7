import path from 'node:path';
import { repoRoot } from './paths.ts';

/** One service as Prometheus should scrape it. */
export interface ScrapeTarget {
  service: string;
  url: string;
  metricsPath: string;
}

/** A file-based discovery entry (Prometheus's file_sd_configs format). */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The scrape targets of one local stack. Each service's replicas share its port (the supervisor's
 * cluster), so one target per service; the `stack` label tells a clone's series from its source's,
 * and the metrics carry `service` themselves.
 */
export function scrapeTargetGroups(stack: string, services: ScrapeTarget[]): TargetGroup[] {
  return services.map((s) => ({
    targets: [new URL(s.url).host],
    labels: { stack, __metrics_path__: s.metricsPath },
  }));
}

/** Where a local stack's targets file lives: the folder the local Prometheus watches (`npm run servers -- start --monitoring`). */
export const scrapeTargetsFile = (stack: string, root = repoRoot) => path.join(root, '.local', 'monitoring', 'targets', `${stack}.json`);
