import type { Catalog } from '@msa/catalog';
import { stringify } from 'yaml';
import { appAlertsFor } from './app-alerts.ts';
import { serviceAlerts } from './service-alerts.ts';
import { sloGroups } from './slo-rules.ts';
import type { RuleGroup } from './types.ts';

/** Where the rendered rules live, relative to the repository root; committed, so reviews show each change. */
export const RULES_FILE = 'monitoring/alerts.rules.yml';

/** Per service one group of its alerts, then the public services' SLO groups. */
export function buildRuleGroups(catalog: Catalog): RuleGroup[] {
  return [
    ...catalog.services.map((svc) => ({ name: `service:${svc.name}`, rules: [...serviceAlerts(svc), ...appAlertsFor(svc)] })),
    ...sloGroups(catalog.services),
  ];
}

export function renderRules(catalog: Catalog): string {
  const header = '# Generated from the service catalog by `npm run alerts -- render`; do not edit by hand.\n';
  return header + stringify({ groups: buildRuleGroups(catalog) }, { lineWidth: 0 });
}
