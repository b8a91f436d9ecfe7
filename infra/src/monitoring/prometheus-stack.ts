import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { facts } from '../facts.ts';
import type { RuleFile } from './rule-file.ts';
import { MONITORING_NAMESPACE } from './namespace.ts';

export interface PrometheusStackArgs {
  /** The platform's alert rules (monitoring/alerts.rules.yml, generated from the catalog), loaded as one PrometheusRule. */
  readonly rules: RuleFile;
  /** Grafana dashboards (monitoring/dashboards/*.json), by file name. */
  readonly dashboards: Record<string, string>;
  readonly retention: string;
  readonly labels: Record<string, string>;
}

/**
 * kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager, Grafana, kube-state-metrics) from its upstream
 * chart, pinned in infra/facts/charts.json. It selects every ServiceMonitor and PrometheusRule in the cluster (the
 * `*SelectorNilUsesHelmValues: false` values), so each service's ServiceMonitor lives in the service's own namespace.
 * The node exporter is off: it needs host namespaces, which the namespace's Pod Security level refuses; node figures
 * come from kube-state-metrics and the kubelet's cAdvisor.
 */
export class PrometheusStack extends pulumi.ComponentResource {
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: PrometheusStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:monitoring:PrometheusStack', name, {}, opts);
    const parent = { parent: this };
    const chart = facts.charts()['kube-prometheus-stack'];
    const admin = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, parent);
    const adminSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
      metadata: { name: 'grafana-admin', namespace: MONITORING_NAMESPACE, labels: args.labels },
      stringData: { 'admin-user': 'admin', 'admin-password': admin.result },
    }, parent);
    const release = new k8s.helm.v3.Release(`${name}-release`, {
      name: 'kube-prometheus-stack',
      chart: 'kube-prometheus-stack',
      version: chart.version,
      repositoryOpts: { repo: chart.repo },
      namespace: MONITORING_NAMESPACE,
      atomic: true,
      values: {
        commonLabels: args.labels,
        nodeExporter: { enabled: false },
        prometheus: {
          prometheusSpec: {
            retention: args.retention,
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
          },
        },
        grafana: {
          admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
          sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: MONITORING_NAMESPACE } },
        },
      },
    }, { ...parent, dependsOn: [adminSecret] });
    // The operator's CRDs come with the release: the rule and the ServiceMonitors wait for it.
    new k8s.apiextensions.CustomResource(`${name}-rules`, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'msa-alerts', namespace: MONITORING_NAMESPACE, labels: args.labels },
      spec: { groups: args.rules.groups },
    }, { ...parent, dependsOn: [release] });
    for (const [file, json] of Object.entries(args.dashboards)) {
      const id = file.replace(/\.json$/, '');
      new k8s.core.v1.ConfigMap(`${name}-dashboard-${id}`, {
        metadata: { name: `dashboard-${id}`, namespace: MONITORING_NAMESPACE, labels: { ...args.labels, grafana_dashboard: '1' } },
        data: { [file]: json },
      }, parent);
    }
    this.grafanaAdminPassword = pulumi.secret(admin.result);
    this.registerOutputs({});
  }
}
