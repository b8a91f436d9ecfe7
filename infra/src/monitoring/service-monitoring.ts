import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Service } from '@msa/catalog';
import { NAMESPACE_NAME_LABEL, SERVICE_LABEL } from '../service/network-policy.ts';
import { MONITORING_NAMESPACE, OTLP_HTTP_PORT } from './namespace.ts';

export interface ServiceMonitoringArgs {
  readonly service: Service;
  readonly namespace: pulumi.Input<string>;
  readonly podSecurityGroupId: pulumi.Input<string>;
  /** The trace collector runs on the nodes, behind the cluster security group. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly labels: Record<string, string>;
  readonly tags: Record<string, string>;
}

/**
 * What monitoring needs of one service: a ServiceMonitor that has Prometheus scrape its pods' metrics path (from the
 * catalog) through its Service's `http` port, a NetworkPolicy that lets Prometheus's pods through the namespace's
 * default deny (CallerPolicy) on that port and no other, and the rule that lets its pods, which carry their own security group,
 * reach the trace collector on the nodes (EKS: pod security groups need a rule for every peer; infra/facts/eks-pod-networking.json).
 */
export class ServiceMonitoring extends pulumi.ComponentResource {
  constructor(name: string, args: ServiceMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:monitoring:ServiceMonitoring', name, {}, opts);
    const parent = { parent: this };
    const svc = args.service;
    new k8s.apiextensions.CustomResource(`${name}-monitor`, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: svc.name, namespace: args.namespace, labels: args.labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': svc.name } },
        endpoints: [{ port: 'http', path: svc.http.metrics, interval: '15s' }],
      },
    }, parent);
    new k8s.networking.v1.NetworkPolicy(`${name}-scrape`, {
      metadata: { name: `${svc.name}-prometheus`, namespace: args.namespace, labels: args.labels },
      spec: {
        podSelector: { matchLabels: { [SERVICE_LABEL]: svc.name } },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: MONITORING_NAMESPACE } },
            // The operator labels every Prometheus pod it runs with this name.
            podSelector: { matchLabels: { [SERVICE_LABEL]: 'prometheus' } },
          }],
          ports: [{ protocol: 'TCP', port: svc.port }],
        }],
      },
    }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-to-collector`, {
      securityGroupId: args.clusterSecurityGroupId,
      referencedSecurityGroupId: args.podSecurityGroupId,
      ipProtocol: 'tcp', fromPort: OTLP_HTTP_PORT, toPort: OTLP_HTTP_PORT,
      tags: { ...args.tags, Name: `${name}-to-collector` },
    }, parent);
    this.registerOutputs({});
  }
}
