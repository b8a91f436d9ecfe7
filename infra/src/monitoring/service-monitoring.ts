import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Service } from '@msa/catalog';
import { OTLP_HTTP_PORT } from './namespace.ts';

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
 * catalog) through its Service's `http` port, and the rule that lets its pods, which carry their own security group,
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
    new aws.vpc.SecurityGroupIngressRule(`${name}-to-collector`, {
      securityGroupId: args.clusterSecurityGroupId,
      referencedSecurityGroupId: args.podSecurityGroupId,
      ipProtocol: 'tcp', fromPort: OTLP_HTTP_PORT, toPort: OTLP_HTTP_PORT,
      tags: { ...args.tags, Name: `${name}-to-collector` },
    }, parent);
    this.registerOutputs({});
  }
}
