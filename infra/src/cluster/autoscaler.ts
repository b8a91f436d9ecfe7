import * as pulumi from '@pulumi/pulumi';
import { ChartWithRole, upstreamPolicy } from './chart-with-role.ts';

export interface NodeAutoscalerArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
}

const SERVICE_ACCOUNT = 'cluster-autoscaler';

/**
 * The Cluster Autoscaler: adds nodes (up to the node group's max) when pods stay Pending, removes idle ones. Why it and
 * not Karpenter or EKS Auto Mode is in infra/README.md ("Scaling"): Auto Mode does not support security groups for
 * pods, and the managed node group the config already sizes is what the autoscaler scales. It finds the group by the
 * tags EKS puts on a managed node group's Auto Scaling group (k8s.io/cluster-autoscaler/<cluster>).
 */
export function nodeAutoscaler(name: string, args: NodeAutoscalerArgs, opts: pulumi.ComponentResourceOptions): ChartWithRole {
  return new ChartWithRole(name, {
    chart: 'cluster-autoscaler',
    namespace: 'kube-system',
    serviceAccount: SERVICE_ACCOUNT,
    oidcProviderArn: args.oidcProviderArn,
    oidcIssuer: args.oidcIssuer,
    // Upstream's policy for auto-discovery; scaling and terminating only this cluster's groups.
    policy: pulumi.output(args.clusterName).apply((cluster) => upstreamPolicy('cluster-autoscaler', (s) => s.Action.includes('autoscaling:SetDesiredCapacity')
      ? { Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`]: 'owned' } } }
      : undefined)),
    values: (roleArn) => ({
      cloudProvider: 'aws',
      awsRegion: args.region,
      autoDiscovery: { clusterName: args.clusterName },
      rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT, annotations: { 'eks.amazonaws.com/role-arn': roleArn } } },
      additionalLabels: args.labels,
      extraArgs: { 'balance-similar-node-groups': true, expander: 'least-waste' },
    }),
    tags: args.tags,
  }, opts);
}

