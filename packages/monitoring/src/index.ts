export { renderRules, buildRuleGroups, RULES_FILE } from './render.ts';
export { serviceAlerts, outboxMaxAgeSeconds, transientFailureBoundSeconds } from './service-alerts.ts';
export { sloGroups, slo } from './slo-rules.ts';
export type { AlertRule, RecordingRule, RuleGroup } from './types.ts';
export { appAlerts, appAlertsFor } from './app-alerts.ts';
export { DASHBOARDS_DIR, buildDashboards, dashboardQueries, renderDashboards } from './dashboards/index.ts';
