export { renderRules, buildRuleGroups, RULES_FILE } from './render.ts';
export { serviceAlerts, outboxMaxAgeSeconds, transientFailureBoundSeconds, lagFor, lagWindow } from './service-alerts.ts';
export { sloGroups, slo } from './slo-rules.ts';
export type { AlertRule, RecordingRule, RuleGroup } from './types.ts';
export { appAlerts, appAlertsFor, orderSagaTimeoutSeconds, sagaStuckSeconds } from './app-alerts.ts';
export { DASHBOARDS_DIR, buildDashboards, dashboardQueries, renderDashboards } from './dashboards/index.ts';
