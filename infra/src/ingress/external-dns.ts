import * as pulumi from '@pulumi/pulumi';
import { ChartWithRole, upstreamPolicy } from '../cluster/chart-with-role.ts';

export interface ExternalDnsArgs {
  readonly clusterName: pulumi.Input<string>;
  /** The Route 53 hosted zone the public hosts live in (msa:ingress.zoneId): the only zone it may change. */
  readonly zoneId: string;
  readonly region: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
}

const SERVICE_ACCOUNT = 'external-dns';

/**
 * external-dns: points each Ingress's host (msa:ingress.host, and the preview stacks' hosts under it) at the load
 * balancer the controller made for it. Upstream's Route 53 policy, limited to the stack's zone; it only adds and
 * updates records it owns (TXT registry, owner = the cluster), never deletes what another owner wrote.
 */
export function externalDns(name: string, args: ExternalDnsArgs, opts: pulumi.ComponentResourceOptions): ChartWithRole {
  return new ChartWithRole(name, {
    chart: 'external-dns',
    namespace: 'kube-system',
    serviceAccount: SERVICE_ACCOUNT,
    oidcProviderArn: args.oidcProviderArn,
    oidcIssuer: args.oidcIssuer,
    policy: pulumi.output(upstreamPolicy('external-dns', (s) => s.Action.includes('route53:ChangeResourceRecordSets')
      ? { Resource: [`arn:aws:route53:::hostedzone/${args.zoneId}`] }
      : undefined)),
    values: (roleArn) => ({
      provider: { name: 'aws' },
      env: [{ name: 'AWS_DEFAULT_REGION', value: args.region }],
      sources: ['ingress'],
      policy: 'upsert-only',
      registry: 'txt',
      txtOwnerId: args.clusterName,
      extraArgs: [`--zone-id-filter=${args.zoneId}`],
      serviceAccount: { create: true, name: SERVICE_ACCOUNT, annotations: { 'eks.amazonaws.com/role-arn': roleArn } },
      commonLabels: args.labels,
    }),
    tags: args.tags,
  }, opts);
}
