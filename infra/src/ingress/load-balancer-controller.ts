import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { serviceAccountTrust } from '../cluster/irsa.ts';
import { facts } from '../facts.ts';
import { loadBalancerControllerPolicy } from './controller-policy.ts';

/**
 * The chart, pinned in infra/facts/charts.json with the controller version its Chart.yaml ships. Upgrading means
 * vendoring that version's iam_policy.json too: the tests compare controller-policy.ts with it.
 */
const pinned = facts.charts()['aws-load-balancer-controller'];
export const CONTROLLER_CHART = { chart: 'aws-load-balancer-controller', version: pinned.version, repo: pinned.repo } as const;
export const CONTROLLER_NAMESPACE = 'kube-system';
export const CONTROLLER_SERVICE_ACCOUNT = 'aws-load-balancer-controller';

export interface LoadBalancerControllerArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer without https://. */
  readonly oidcIssuer: pulumi.Input<string>;
  /** Let Ingresses attach WAFv2 web ACLs (adds the wafv2 rights); off by default. */
  readonly wafv2?: boolean;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * The AWS Load Balancer Controller, which turns the cluster's `alb` Ingresses into ALBs: a Helm release of the official
 * chart, running as a service account bound to an IAM role of its own (IRSA) with the policy of controller-policy.ts.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly releaseStatus: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:ingress:LoadBalancerController', name, {}, opts);
    const parent = { parent: this };
    const wafv2 = args.wafv2 ?? false;
    const role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: serviceAccountTrust(args.oidcProviderArn, args.oidcIssuer, `system:serviceaccount:${CONTROLLER_NAMESPACE}:${CONTROLLER_SERVICE_ACCOUNT}`),
      tags: args.tags,
    }, parent);
    const policy = new aws.iam.RolePolicy(`${name}-policy`, {
      role: role.name,
      policy: pulumi.output(args.clusterName).apply((clusterName) => JSON.stringify(loadBalancerControllerPolicy({ region: args.region, clusterName, wafv2 }))),
    }, parent);
    const release = new k8s.helm.v3.Release(`${name}-release`, {
      name: CONTROLLER_SERVICE_ACCOUNT,
      chart: CONTROLLER_CHART.chart,
      version: CONTROLLER_CHART.version,
      repositoryOpts: { repo: CONTROLLER_CHART.repo },
      namespace: CONTROLLER_NAMESPACE,
      atomic: true,
      values: {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        // Two replicas behind a PodDisruptionBudget (the chart's defaults), labelled like everything else we deploy.
        replicaCount: 2,
        additionalLabels: args.labels,
        serviceAccount: { create: true, name: CONTROLLER_SERVICE_ACCOUNT, annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
        // Ingresses bring their own frontend security group: the controller creates none and edits no one's rules.
        enableBackendSecurityGroup: false,
        // The policy grants no Shield or classic WAF; WAFv2 only when asked.
        enableShield: false,
        enableWaf: false,
        enableWafv2: wafv2,
        ingressClass: 'alb',
        // Listeners and rules are created with the cluster tag (on by default in the controller's feature_gates.go; set here so
        // no default change can break controller-policy.ts, which limits listener and rule changes to this cluster's).
        controllerConfig: { featureGates: { ListenerRulesTagging: true } },
        createIngressClassResource: true,
      },
    }, { ...parent, dependsOn: [policy] });
    this.roleArn = role.arn;
    this.releaseStatus = release.status.apply((s) => s.status);
    this.registerOutputs({ roleArn: this.roleArn, releaseStatus: this.releaseStatus });
  }
}
