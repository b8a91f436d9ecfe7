import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { MONITORING_NAMESPACE } from './namespace.ts';
import { PrometheusStack } from './prometheus-stack.ts';
import { loadMonitoringFiles } from './rule-file.ts';
import { TraceCollector } from './trace-collector.ts';

export interface MonitoringStackArgs {
  readonly region: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly retention: string;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * A cluster's monitoring, installed once per cluster by the stack that owns it (preview stacks share it): the
 * Prometheus stack with the catalog's alert rules and dashboards, and the trace collector.
 */
export class MonitoringStack extends pulumi.ComponentResource {
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:monitoring:MonitoringStack', name, {}, opts);
    const files = loadMonitoringFiles();
    const namespace = new k8s.core.v1.Namespace(`${name}-ns`, {
      metadata: {
        name: MONITORING_NAMESPACE,
        // Baseline is enforced (no host namespaces, no privileged pods); restricted is audited and warned:
        // the upstream charts' pods are not all restricted-clean, and a refused operator pod is an outage of monitoring.
        labels: {
          ...args.labels,
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    }, { parent: this });
    const inNamespace = { parent: this, dependsOn: [namespace] };
    const prometheus = new PrometheusStack(`${name}-prometheus`, { rules: files.rules, dashboards: files.dashboards, retention: args.retention, labels: args.labels }, inNamespace);
    new TraceCollector(`${name}-traces`, { region: args.region, oidcProviderArn: args.oidcProviderArn, oidcIssuer: args.oidcIssuer, tags: args.tags, labels: args.labels }, inNamespace);
    this.grafanaAdminPassword = prometheus.grafanaAdminPassword;
    this.registerOutputs({});
  }
}
