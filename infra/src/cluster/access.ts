import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { facts } from '../facts.ts';

/** The pipeline's roles (msa:cluster.pipelineRoles) by what they do. */
export interface PipelineRoles {
  readonly deploy: string;
  readonly preview: string;
  readonly previewEnvironment: string;
  readonly readOnly: string;
}

/**
 * What each pipeline role may do in the cluster. Deploying applies everything (cluster admin). A preview of a stack is a
 * server-side dry run, which needs the same rights as the apply, and preview environments (previewEnvironment) create
 * namespaces: cluster
 * admin, except in prod, where pull-request code only views. Drift checks only read, and the view policy reads no Secret.
 */
export function accessPolicyOf(kind: keyof PipelineRoles, environment: string): string {
  const admin = kind === 'deploy' || ((kind === 'preview' || kind === 'previewEnvironment') && environment !== 'prod');
  return facts.eksAccess()[admin ? 'AmazonEKSClusterAdminPolicy' : 'AmazonEKSViewPolicy']!.arn;
}

/**
 * One EKS access entry per pipeline role, associated with its access policy for the whole cluster. The cluster
 * authenticates through the EKS API only, so a role without an entry is Unauthorized.
 */
export function pipelineAccess(
  name: string,
  clusterName: pulumi.Input<string>,
  roles: PipelineRoles,
  environment: string,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.eks.AccessPolicyAssociation[] {
  return (Object.keys(roles) as (keyof PipelineRoles)[]).map((kind) => {
    const entry = new aws.eks.AccessEntry(`${name}-access-${kind}`, { clusterName, principalArn: roles[kind], type: 'STANDARD', tags }, { parent });
    return new aws.eks.AccessPolicyAssociation(`${name}-access-${kind}`, {
      clusterName,
      principalArn: entry.principalArn,
      policyArn: accessPolicyOf(kind, environment),
      accessScope: { type: 'cluster' },
    }, { parent });
  });
}
