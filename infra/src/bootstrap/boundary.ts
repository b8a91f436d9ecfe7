import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StateStore } from './state.ts';

/** IAM actions that would let a role grant itself (or a new principal) more than it has. */
const ESCALATION = [
  'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:AddUserToGroup',
  'iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:AttachGroupPolicy', 'iam:PutGroupPolicy',
  'iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion',
  'organizations:*', 'account:*',
];
/** Creating or changing a role is allowed only when the role keeps the workload boundary. */
const ROLE_WRITES = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'];

export interface Boundaries {
  /** On every role the environments' programs create (IRSA, node, controller roles): no IAM writes, no state, no secrets keys. */
  workload: aws.iam.Policy;
  /** On every pipeline role this stack creates: no escalation, roles only with the workload boundary, the state store kept. */
  pipeline: aws.iam.Policy;
}

/**
 * Permissions boundaries: a boundary caps what a role can ever do, whatever policy is attached to it later, so a
 * pipeline role that may create roles cannot create one more powerful than itself.
 */
export function boundaries(state: StateStore, provider: aws.Provider, tags: Record<string, string>): Boundaries {
  const storeArns = [state.bucket.arn, pulumi.interpolate`${state.bucket.arn}/*`];
  const keys = [state.nonProdKey.arn, state.protectedKey.arn];
  const workload = new aws.iam.Policy('workload-boundary', {
    name: 'msa-workload-boundary',
    description: 'Caps every role an msa environment creates: no IAM changes, no Pulumi state, no Pulumi secrets keys',
    policy: pulumi.jsonStringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Workloads', Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'NoIam', Effect: 'Deny', NotAction: ['iam:Get*', 'iam:List*', 'iam:PassRole'], Resource: 'arn:aws:iam::*:*' },
        { Sid: 'NoEscalation', Effect: 'Deny', Action: ESCALATION, Resource: '*' },
        { Sid: 'NoState', Effect: 'Deny', Action: 's3:*', Resource: storeArns },
        { Sid: 'NoSecretsKeys', Effect: 'Deny', Action: 'kms:*', Resource: keys },
      ],
    }),
    tags,
  }, { provider });
  const pipeline = new aws.iam.Policy('pipeline-boundary', {
    name: 'msa-pipeline-boundary',
    description: 'Caps every msa pipeline role: no escalation, new roles carry msa-workload-boundary, the state store cannot be deleted',
    policy: pulumi.jsonStringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Pipeline', Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'NoEscalation', Effect: 'Deny', Action: ESCALATION, Resource: '*' },
        {
          Sid: 'RolesKeepTheWorkloadBoundary', Effect: 'Deny', Action: ROLE_WRITES, Resource: '*',
          Condition: { StringNotEquals: { 'iam:PermissionsBoundary': workload.arn } },
        },
        { Sid: 'KeepBoundaries', Effect: 'Deny', Action: ['iam:DeletePolicy', 'iam:CreatePolicyVersion'], Resource: [workload.arn, 'arn:aws:iam::*:policy/msa-pipeline-boundary'] },
        { Sid: 'KeepTheStore', Effect: 'Deny', Action: ['s3:DeleteBucket', 's3:PutBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration'], Resource: storeArns },
        { Sid: 'KeepTheKeys', Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'], Resource: keys },
      ],
    }),
    tags,
  }, { provider });
  return { workload, pipeline };
}
