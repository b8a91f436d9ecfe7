import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { facts } from '../facts.ts';
import { serviceAccountTrust } from './irsa.ts';

export type ChartName = 'cluster-autoscaler' | 'external-dns';

export interface ChartWithRoleArgs {
  readonly chart: ChartName;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer without https://. */
  readonly oidcIssuer: pulumi.Input<string>;
  /** The controller's IAM policy (JSON): upstream's document for the pinned version, narrowed where we can. */
  readonly policy: pulumi.Input<string>;
  /** Chart values; the service account (name, role annotation) is filled in here. */
  readonly values: (roleArn: pulumi.Output<string>) => Record<string, unknown>;
  readonly tags: Record<string, string>;
}

/**
 * A controller from its upstream Helm chart, pinned to the version in infra/facts/charts.json, running as a service account
 * bound to an IAM role of its own (IRSA). The release waits for the role's policy: without it the first reconcile fails.
 */
export class ChartWithRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: ChartWithRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:cluster:ChartWithRole', name, {}, opts);
    const parent = { parent: this };
    const chart = facts.charts()[args.chart];
    const role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: serviceAccountTrust(args.oidcProviderArn, args.oidcIssuer, `system:serviceaccount:${args.namespace}:${args.serviceAccount}`),
      tags: args.tags,
    }, parent);
    const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: args.policy }, parent);
    new k8s.helm.v3.Release(`${name}-release`, {
      name: args.chart,
      chart: args.chart,
      version: chart.version,
      repositoryOpts: { repo: chart.repo },
      namespace: args.namespace,
      atomic: true,
      values: args.values(role.arn),
    }, { ...parent, dependsOn: [policy] });
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}

/** Upstream's policy document with a condition added to the statements that change something. */
export function upstreamPolicy(chart: ChartName, narrow: (statement: { Action: string[] }) => Record<string, unknown> | undefined): string {
  const doc = facts.iamPolicy(chart);
  return JSON.stringify({ ...doc, Statement: doc.Statement.map((s) => ({ ...s, ...narrow(s) })) });
}
