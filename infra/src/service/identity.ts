import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { serviceAccountTrust } from '../cluster/irsa.ts';

/**
 * Pod Security admission: the namespace admits only pods that meet the `restricted` standard (non-root, RuntimeDefault
 * seccomp, all capabilities dropped, no privilege escalation), and says so in warnings and audit too.
 */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
} as const;

export interface ServiceIdentityArgs {
  readonly namespace: string;
  readonly serviceName: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer without https://. */
  readonly oidcIssuer: pulumi.Input<string>;
  /** IAM policy document (JSON) of what the service may do in AWS. */
  readonly policy: pulumi.Input<string>;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * Who a service is: its namespace and a service account bound to its own IAM role (IRSA). Its image repository is not
 * here: every stage runs images from the one shared registry (the `registry` stack), so no environment's destroy can
 * delete another's images.
 */
export class ServiceIdentity extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly serviceAccountName: pulumi.Output<string>;

  constructor(name: string, args: ServiceIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:Identity', name, {}, opts);
    const parent = { parent: this };
    const subject = `system:serviceaccount:${args.namespace}:${args.serviceName}`;
    const role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: serviceAccountTrust(args.oidcProviderArn, args.oidcIssuer, subject),
      tags: args.tags,
    }, parent);
    new aws.iam.RolePolicy(`${name}-kafka`, { role: role.name, policy: args.policy }, parent);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace, labels: { ...args.labels, ...POD_SECURITY_LABELS } } }, parent);
    const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { name: args.serviceName, namespace: ns.metadata.name, labels: args.labels, annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
      // No pod of the service talks to the Kubernetes API. IRSA does not need this token: EKS's pod identity webhook
      // mounts its own projected token (audience sts.amazonaws.com) for the role above.
      automountServiceAccountToken: false,
    }, parent);
    this.namespace = ns.metadata.name;
    this.serviceAccountName = sa.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
