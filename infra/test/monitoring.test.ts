import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { facts } from '../src/facts.ts';
import type { Capture } from '../offline-plan/capture.ts';
import { HELM_RELEASE, type CapturedResource } from '../offline-plan/mocks.ts';
import { CLOUD_STACKS, ROOT, capture, catalog, ofType } from './support.ts';

const CUSTOM = 'kubernetes:monitoring.coreos.com/v1:';
const SERVICE_MONITOR = `${CUSTOM}ServiceMonitor`;
const PROMETHEUS_RULE = `${CUSTOM}PrometheusRule`;
const rulesFile = parse(readFileSync(path.join(ROOT, 'monitoring/alerts.rules.yml'), 'utf8'));
const dashboardFiles = readdirSync(path.join(ROOT, 'monitoring/dashboards'));

const release = (c: Capture, chart: string) => {
  const found = ofType(c, HELM_RELEASE).filter((r) => r.inputs.chart === chart);
  expect(found, chart).toHaveLength(1);
  return found[0]!;
};
const containerEnv = (d: CapturedResource) => Object.fromEntries((d.inputs.spec.template.spec.containers[0].env as { name: string; value: string }[]).map((e) => [e.name, e.value]));

describe.each(CLOUD_STACKS)('the %s stack monitors what it runs', (stack) => {
  let c: Capture;
  beforeAll(async () => {
    c = await capture(stack);
    if (c.error) throw c.error;
  });

  it('installs kube-prometheus-stack pinned from the facts, selecting every ServiceMonitor and PrometheusRule in the cluster', () => {
    const prom = release(c, 'kube-prometheus-stack');
    const pinned = facts.charts()['kube-prometheus-stack'];
    expect(prom.inputs).toMatchObject({ version: pinned.version, repositoryOpts: { repo: pinned.repo }, namespace: 'monitoring' });
    expect(prom.inputs.values.prometheus.prometheusSpec).toMatchObject({ serviceMonitorSelectorNilUsesHelmValues: false, ruleSelectorNilUsesHelmValues: false });
  });

  it('loads the very rule file promtool tests as one PrometheusRule', () => {
    const rules = ofType(c, PROMETHEUS_RULE);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.inputs.metadata.namespace).toBe('monitoring');
    expect(rules[0]!.inputs.spec.groups).toEqual(rulesFile.groups);
  });

  it("ships every committed dashboard where Grafana's sidecar looks for them", () => {
    const sidecar = release(c, 'kube-prometheus-stack').inputs.values.grafana.sidecar.dashboards;
    const maps = ofType(c, 'kubernetes:core/v1:ConfigMap').filter((m) => m.inputs.metadata.labels?.[sidecar.label] === sidecar.labelValue);
    expect(maps.map((m) => Object.keys(m.inputs.data)[0]).sort()).toEqual([...dashboardFiles].sort());
    for (const m of maps) {
      expect(m.inputs.metadata.namespace).toBe(sidecar.searchNamespace);
      const [file, json] = Object.entries(m.inputs.data as Record<string, string>)[0]!;
      expect(json).toBe(readFileSync(path.join(ROOT, 'monitoring/dashboards', file), 'utf8'));
    }
  });

  it("scrapes each catalog service through its own Service's port at the catalog's metrics path", () => {
    const monitors = ofType(c, SERVICE_MONITOR);
    expect(monitors).toHaveLength(catalog.services.length);
    for (const svc of catalog.services) {
      const monitor = monitors.find((m) => m.inputs.metadata.name === svc.name)!;
      const k8sService = ofType(c, 'kubernetes:core/v1:Service').find((s) => s.inputs.metadata.name === svc.name && s.inputs.metadata.namespace === monitor.inputs.metadata.namespace);
      expect(k8sService, `${svc.name}: a Service in the ServiceMonitor's namespace`).toBeDefined();
      expect(monitor.inputs.spec.selector.matchLabels).toEqual(k8sService!.inputs.spec.selector);
      const endpoint = monitor.inputs.spec.endpoints[0];
      expect(k8sService!.inputs.spec.ports.map((p: { name: string }) => p.name)).toContain(endpoint.port);
      expect(endpoint.path).toBe(svc.http.metrics);
    }
  });

  it('sends every service\'s traces to a collector that receives OTLP on that URL and exports to X-Ray with a role of its own', () => {
    const collector = release(c, 'opentelemetry-collector');
    const v = collector.inputs.values;
    const url = `http://${v.fullnameOverride}.${collector.inputs.namespace}.svc.cluster.local:${v.ports['otlp-http'].servicePort}`;
    expect(v.config.receivers.otlp.protocols.http.endpoint).toBe(`0.0.0.0:${v.ports['otlp-http'].containerPort}`);
    expect(v.config.service.pipelines.traces).toMatchObject({ receivers: ['otlp'], exporters: ['awsxray'] });
    for (const d of ofType(c, 'kubernetes:apps/v1:Deployment')) expect(containerEnv(d).OTEL_EXPORTER_OTLP_ENDPOINT, d.name).toBe(url);
    // IRSA: the role trusts exactly the collector's service account and carries AWS's X-Ray write policy, nothing more.
    const role = ofType(c, 'aws:iam/role:Role').find((r) => r.state.arn === v.serviceAccount.annotations['eks.amazonaws.com/role-arn'])!;
    const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals;
    expect(Object.entries(trust).find(([k]) => k.endsWith(':sub'))?.[1]).toBe(`system:serviceaccount:${collector.inputs.namespace}:${v.serviceAccount.name}`);
    const attached = ofType(c, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment').filter((a) => a.inputs.role === role.state.name);
    expect(attached.map((a) => a.inputs.policyArn)).toEqual([facts.xrayPolicy().arn]);
    expect(ofType(c, 'aws:iam/rolePolicy:RolePolicy').filter((p) => p.inputs.role === role.state.name)).toEqual([]);
  });

  it("lets each service's pods, which carry their own security group, reach the collector on the nodes", () => {
    const port = release(c, 'opentelemetry-collector').inputs.values.ports['otlp-http'].containerPort;
    const cluster = ofType(c, 'aws:eks/cluster:Cluster')[0]!;
    const clusterSg = cluster.state.vpcConfig?.clusterSecurityGroupId ?? cluster.state.clusterSecurityGroupId;
    const rules = ofType(c, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').filter((r) => r.inputs.fromPort === port);
    const names = new Set(catalog.services.map((svc) => svc.name));
    const policies = ofType(c, 'kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy').filter((p) => names.has(p.inputs.spec.podSelector?.matchLabels?.['app.kubernetes.io/name']));
    expect(policies).toHaveLength(catalog.services.length);
    for (const p of policies) {
      const podSg = p.inputs.spec.securityGroups.groupIds[0];
      expect(rules.some((r) => r.inputs.referencedSecurityGroupId === podSg && r.inputs.toPort === port && (clusterSg === undefined || r.inputs.securityGroupId === clusterSg)), p.name).toBe(true);
    }
  });
});
