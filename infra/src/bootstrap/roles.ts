import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { DEPLOY_ENVIRONMENTS, PROTECTED_ENVIRONMENTS, type BootstrapStackConfig } from './config.ts';
import type { Boundaries } from './boundary.ts';
import { stackObjects, type StateStore } from './state.ts';

const ISSUER = 'token.actions.githubusercontent.com';
/** What the programs of the environments manage (infra/src): the deploy roles may change these, and no more. */
const PLATFORM_ACTIONS = [
  'ec2:*', 'eks:*', 'rds:*', 'kafka:*', 'kafka-cluster:*', 'elasticloadbalancing:*', 'autoscaling:*', 'route53:*', 'acm:*',
  'logs:*', 'cloudwatch:*', 'secretsmanager:*', 'kms:*', 'wafv2:*', 'cognito-idp:*', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer',
  'ecr:GetAuthorizationToken', 'ecr:DescribeImages', 'ssm:GetParameter', 'sts:GetCallerIdentity',
];
/** Role and provider management; the pipeline boundary adds that each new role carries the workload boundary. */
const IAM_ACTIONS = [
  'iam:Get*', 'iam:List*', 'iam:CreateRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:PassRole',
  'iam:CreateOpenIDConnectProvider', 'iam:DeleteOpenIDConnectProvider', 'iam:TagOpenIDConnectProvider', 'iam:UpdateOpenIDConnectProviderThumbprint',
  'iam:CreateServiceLinkedRole', 'iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:AddRoleToInstanceProfile',
  'iam:RemoveRoleFromInstanceProfile', 'iam:TagInstanceProfile', 'iam:CreatePolicy', 'iam:DeletePolicy', 'iam:TagPolicy',
];
const NON_PROTECTED = DEPLOY_ENVIRONMENTS.filter((e) => !(PROTECTED_ENVIRONMENTS as readonly string[]).includes(e));

/** The pipeline's roles by job, each assumed only by the GitHub OIDC subject named in its trust. */
export interface PipelineRoles {
  /** One per environment: `pulumi up` of that stack, from a job running in that GitHub environment. */
  deploy: Record<(typeof DEPLOY_ENVIRONMENTS)[number], aws.iam.Role>;
  /** Pushes images to the registry (msa/*), from main only. */
  build: aws.iam.Role;
  /** Pull requests' `pulumi preview`: reads dev's, test's and pr-N state, changes nothing. */
  preview: aws.iam.Role;
  /** Pull requests' environments: writes pr-N state and resources tagged stack=pr-N only. */
  previewEnvironment: aws.iam.Role;
  /** Scheduled drift checks: reads every stack and the resources it names, no secret values. */
  readOnly: aws.iam.Role;
}

type Statement = Record<string, unknown>;

/** The GitHub OIDC provider and one role per pipeline job kind; every role carries the pipeline boundary. */
export function pipelineRoles(
  config: BootstrapStackConfig, state: StateStore, bounds: Boundaries, provider: aws.Provider, tags: Record<string, string>,
): PipelineRoles {
  const repo = `${config.github.owner}/${config.github.repository}`;
  const oidc = new aws.iam.OpenIdConnectProvider('github', {
    url: `https://${ISSUER}`,
    clientIdLists: ['sts.amazonaws.com'],
    // AWS validates GitHub's OIDC tokens against its own trusted CA store; the thumbprint is required by the API but unused.
    thumbprintLists: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
    tags,
  }, { provider, protect: true });
  const bucket = state.bucket.arn;
  const objects = (stacks: string[]) => stacks.flatMap((s) => stackObjects(bucket, s));
  const list: Statement = { Sid: 'ListState', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket };
  const denyProtected: Statement[] = [
    { Sid: 'NoProtectedState', Effect: 'Deny', Action: 's3:*', Resource: objects([...PROTECTED_ENVIRONMENTS]) },
    { Sid: 'NoProtectedSecrets', Effect: 'Deny', Action: 'kms:*', Resource: state.protectedKey.arn },
  ];

  const role = (name: string, subject: string, statements: Statement[], managed: string[] = []) => {
    const r = new aws.iam.Role(name, {
      name: `msa-${name}`,
      description: `msa pipeline: ${subject}`,
      permissionsBoundary: bounds.pipeline.arn,
      maxSessionDuration: 3600,
      assumeRolePolicy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow', Principal: { Federated: oidc.arn }, Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: `repo:${repo}:${subject}` } },
        }],
      }),
      tags,
    }, { provider });
    new aws.iam.RolePolicy(name, { role: r.name, policy: pulumi.jsonStringify({ Version: '2012-10-17', Statement: statements }) }, { provider });
    for (const policy of managed) new aws.iam.RolePolicyAttachment(`${name}-${policy.toLowerCase()}`, { role: r.name, policyArn: `arn:aws:iam::aws:policy/${policy}` }, { provider });
    return r;
  };

  const deploy = Object.fromEntries(DEPLOY_ENVIRONMENTS.map((env, i) => {
    const isProtected = (PROTECTED_ENVIRONMENTS as readonly string[]).includes(env);
    const [key, otherKey] = isProtected ? [state.protectedKey, state.nonProdKey] : [state.nonProdKey, state.protectedKey];
    // A stage reads the stages before it (promotion checks what the previous stage runs) and writes only its own stack.
    const earlier = DEPLOY_ENVIRONMENTS.slice(0, i);
    return [env, role(`deploy-${env}`, `environment:${env}`, [
      { Sid: 'Platform', Effect: 'Allow', Action: [...PLATFORM_ACTIONS, ...IAM_ACTIONS], Resource: '*' },
      list,
      { Sid: 'OwnState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objects([env]) },
      ...(earlier.length ? [{ Sid: 'EarlierStages', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(earlier) }] : []),
      { Sid: 'OwnSecrets', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: key.arn },
      { Sid: 'NotTheOtherTiersSecrets', Effect: 'Deny', Action: 'kms:*', Resource: otherKey.arn },
    ])];
  })) as PipelineRoles['deploy'];

  const build = role('build', 'ref:refs/heads/main', [
    { Sid: 'Login', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    {
      Sid: 'PushToTheRegistry', Effect: 'Allow', Resource: `arn:aws:ecr:${config.region}:${config.accountId}:repository/msa/*`,
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:DescribeImages'],
    },
  ]);

  const nonProdStacks = [...NON_PROTECTED, 'pr-*'];
  const preview = role('preview', 'pull_request', [
    list,
    { Sid: 'ReadNonProdState', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(nonProdStacks) },
    // `pulumi preview` takes the stack's lock while it runs.
    { Sid: 'LockWhilePreviewing', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: nonProdStacks.map((s) => pulumi.interpolate`${bucket}/.pulumi/locks/msa/${s}/*`) },
    { Sid: 'NonProdSecrets', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: state.nonProdKey.arn },
    { Sid: 'Identity', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
    ...denyProtected,
  ], ['job-function/ViewOnlyAccess']);

  const prTag = { 'aws:RequestTag/stack': 'pr-*' };
  const previewEnvironment = role('preview-environment', 'environment:preview', [
    list,
    { Sid: 'PrState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objects(['pr-*']) },
    // A pr-N stack runs on a non-protected stage's cluster through a stack reference, which reads that stage's outputs.
    { Sid: 'ReferencedStages', Effect: 'Allow', Action: 's3:GetObject', Resource: objects(NON_PROTECTED) },
    { Sid: 'NonProdSecrets', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: state.nonProdKey.arn },
    // Creates only what is tagged as a pr-N stack's, and changes only what already is (awsTags puts `stack` on every resource).
    { Sid: 'CreatePrResources', Effect: 'Allow', Action: [...PLATFORM_ACTIONS, ...IAM_ACTIONS], Resource: '*', Condition: { StringLike: prTag } },
    { Sid: 'ChangePrResources', Effect: 'Allow', Action: [...PLATFORM_ACTIONS, ...IAM_ACTIONS], Resource: '*', Condition: { StringLike: { 'aws:ResourceTag/stack': 'pr-*' } } },
    ...denyProtected,
  ], ['job-function/ViewOnlyAccess']);

  const readOnly = role('readonly', 'ref:refs/heads/main', [
    list,
    { Sid: 'ReadAllState', Effect: 'Allow', Action: 's3:GetObject', Resource: pulumi.interpolate`${bucket}/.pulumi/*` },
    // The engine decrypts a checkpoint to load it; the job never prints a secret (no --show-secrets).
    { Sid: 'LoadCheckpoints', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: [state.nonProdKey.arn, state.protectedKey.arn] },
    { Sid: 'LockWhileRefreshing', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: pulumi.interpolate`${bucket}/.pulumi/locks/*` },
    { Sid: 'NoSecretValues', Effect: 'Deny', Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameter*'], Resource: '*' },
  ], ['ReadOnlyAccess']);

  return { deploy, build, preview, previewEnvironment, readOnly };
}
