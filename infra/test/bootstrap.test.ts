import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLOUD_STACKS, ROOT, capture, catalog, flatConfig, ofType, stackConfig } from './support.ts';
import type { Capture } from '../offline-plan/capture.ts';
import type { CapturedResource } from '../offline-plan/mocks.ts';
import { secretsProviderOf } from '../src/bootstrap/config.ts';

type Statement = { Sid?: string; Effect: string; Action?: string | string[]; NotAction?: string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };
const statements = (policy: string): Statement[] => JSON.parse(policy).Statement;
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const REPO = 'example-org/msa';

describe('bootstrap: from an empty account and an empty repository to what the pipeline needs', () => {
  let c: Capture;
  let roles: CapturedResource[];
  const role = (name: string) => roles.find((r) => r.inputs.name === `msa-${name}`)!;
  const policyOf = (name: string) => statements(c.resources.find((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.name === name)!.inputs.policy);
  const subject = (r: CapturedResource) => statements(r.inputs.assumeRolePolicy)[0]!.Condition!.StringEquals!['token.actions.githubusercontent.com:sub'];

  beforeAll(async () => {
    c = await capture('bootstrap');
    if (c.error) throw c.error;
    roles = ofType(c, 'aws:iam/role:Role');
  });

  it('keeps the state in a protected, versioned, private bucket, with secrets under two rotating KMS keys', () => {
    const [bucket] = ofType(c, 'aws:s3/bucket:Bucket');
    expect(bucket).toMatchObject({ protect: true, inputs: { bucket: 'msa-pulumi-state-123456789012', forceDestroy: false } });
    expect(ofType(c, 'aws:s3/bucketVersioning:BucketVersioning')[0]!.inputs.versioningConfiguration.status).toBe('Enabled');
    expect(ofType(c, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')[0]!.inputs).toMatchObject({ blockPublicAcls: true, restrictPublicBuckets: true });
    const keys = ofType(c, 'aws:kms/key:Key');
    expect(keys.map((k) => [k.name, k.inputs.enableKeyRotation, k.protect])).toEqual([['state-nonprod', true, true], ['state-protected', true, true]]);
    expect(ofType(c, 'aws:kms/alias:Alias').map((a) => a.inputs.name).sort()).toEqual(['alias/msa-pulumi-secrets-nonprod', 'alias/msa-pulumi-secrets-protected']);
  });

  it('trusts GitHub: one deploy role per environment, assumable only from a job in that GitHub environment', () => {
    expect(ofType(c, 'aws:iam/openIdConnectProvider:OpenIdConnectProvider')[0]!.inputs).toMatchObject({ url: 'https://token.actions.githubusercontent.com', clientIdLists: ['sts.amazonaws.com'] });
    for (const env of CLOUD_STACKS) expect(subject(role(`deploy-${env}`)), env).toBe(`repo:${REPO}:environment:${env}`);
    expect(subject(role('preview'))).toBe(`repo:${REPO}:pull_request`);
    expect(subject(role('preview-environment'))).toBe(`repo:${REPO}:environment:preview`);
    expect(subject(role('build'))).toBe(`repo:${REPO}:ref:refs/heads/main`);
  });

  it('caps every role it creates with the pipeline boundary, which lets them create roles only with the workload boundary', () => {
    const [pipeline, workload] = ['msa-pipeline-boundary', 'msa-workload-boundary'].map((n) => ofType(c, 'aws:iam/policy:Policy').find((p) => p.inputs.name === n)!);
    expect(roles.length).toBe(CLOUD_STACKS.length + 4);
    for (const r of roles) expect(r.inputs.permissionsBoundary, r.name).toBe(pipeline!.state.arn);
    const keep = statements(pipeline!.inputs.policy).find((s) => s.Sid === 'RolesKeepTheWorkloadBoundary')!;
    expect(keep).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'iam:PermissionsBoundary': workload!.state.arn } } });
    expect(list(keep.Action)).toContain('iam:CreateRole');
    // Workload roles (IRSA and the like) can change no IAM and touch neither the state nor its keys.
    expect(statements(workload!.inputs.policy).filter((s) => s.Effect === 'Deny').map((s) => s.Sid)).toEqual(['NoIam', 'NoEscalation', 'NoState', 'NoSecretsKeys']);
  });

  it('lets pull requests preview only non-protected stacks: no staging or prod state, no protected key, no writes beyond locks', () => {
    const preview = policyOf('preview');
    const allowed = preview.filter((s) => s.Effect === 'Allow');
    const objects = allowed.flatMap((s) => list(s.Resource)).filter((r) => r.includes('/.pulumi/'));
    expect(objects.some((o) => /\/(staging|prod)[./]/.test(o))).toBe(false);
    const writes = allowed.filter((s) => list(s.Action).some((a) => /Put|Delete|Create|Update|\*$/.test(a)));
    expect(writes.flatMap((s) => list(s.Resource)).every((r) => r.includes('/.pulumi/locks/msa/'))).toBe(true);
    expect(preview.filter((s) => s.Effect === 'Deny').map((s) => s.Sid)).toEqual(['NoProtectedState', 'NoProtectedSecrets']);
    // The pr-N role may create and change only what is tagged as a pr-N stack's.
    const prWrites = policyOf('preview-environment').filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*') && list(s.Action).includes('ec2:*'));
    expect(prWrites.map((s) => s.Condition)).toEqual([{ StringLike: { 'aws:RequestTag/stack': 'pr-*' } }, { StringLike: { 'aws:ResourceTag/stack': 'pr-*' } }]);
  });

  it("gives a stage's deploy role its own stack to write and only earlier stages to read", () => {
    const objectsOf = (env: string, sid: string) => policyOf(`deploy-${env}`).filter((s) => s.Sid === sid).flatMap((s) => list(s.Resource));
    expect(objectsOf('dev', 'EarlierStages')).toEqual([]);
    expect(objectsOf('prod', 'OwnState').every((o) => o.includes('/msa/prod'))).toBe(true);
    expect(objectsOf('test', 'EarlierStages').every((o) => o.includes('/msa/dev'))).toBe(true);
  });

  it('protects prod on GitHub: required reviewers, deployments from main only; every stage deploys from main', () => {
    const envs = Object.fromEntries(ofType(c, 'github:index/repositoryEnvironment:RepositoryEnvironment').map((e) => [e.inputs.environment, e.inputs]));
    expect(Object.keys(envs).sort()).toEqual([...CLOUD_STACKS, 'preview'].sort());
    expect(envs.prod!.reviewers[0].teams).toHaveLength(1);
    expect(envs.prod!.preventSelfReview).toBe(true);
    const fromMain = ofType(c, 'github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy').map((p) => [p.inputs.environment, p.inputs.branchPattern]);
    expect(fromMain.sort()).toEqual(CLOUD_STACKS.map((e) => [e, 'main']).sort());
    for (const env of CLOUD_STACKS) expect(envs[env]!.deploymentBranchPolicy).toEqual({ protectedBranches: false, customBranchPolicies: true });
  });

  it('defines every variable the workflows read, and a team per catalog team', () => {
    const defined = new Set([...ofType(c, 'github:index/actionsVariable:ActionsVariable'), ...ofType(c, 'github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable')].map((v) => v.inputs.variableName));
    const dir = path.join(ROOT, '.github/workflows');
    const read = new Set([...readdirText(dir).matchAll(/\bvars\.([A-Z_]+)/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThan(3);
    for (const v of read) expect(defined.has(v), v).toBe(true);
    const teams = ofType(c, 'github:index/team:Team').map((t) => t.inputs.name).sort();
    expect(teams).toEqual([...new Set(['platform', ...catalog.services.map((s) => s.team)])].sort());
  });

  it("protects main with a ruleset whose required checks are jobs of the pull-request workflow", () => {
    const [ruleset] = ofType(c, 'github:index/repositoryRuleset:RepositoryRuleset');
    expect(ruleset!.inputs).toMatchObject({ enforcement: 'active', conditions: { refName: { includes: ['~DEFAULT_BRANCH'] } }, rules: { deletion: true, nonFastForward: true } });
    expect(ruleset!.inputs.rules.pullRequest).toMatchObject({ requireCodeOwnerReview: true, requiredApprovingReviewCount: 1 });
    const jobs = Object.keys((parse(readFileSync(path.join(ROOT, '.github/workflows/pull-request.yml'), 'utf8')) as { jobs: object }).jobs);
    for (const check of ruleset!.inputs.rules.requiredStatusChecks.requiredChecks) expect(jobs, check.context).toContain(check.context);
  });

  it('stops before anything exists when a prod reviewer team is no team', async () => {
    const config = stackConfig('bootstrap');
    (config['msa:github'] as { prodReviewerTeams: string[] }).prodReviewerTeams = ['nobody'];
    const bad = await capture('bootstrap', { config: flatConfig(config) });
    expect(bad.error?.message).toMatch(/msa:github\.prodReviewerTeams: names "nobody", which is no team/);
    expect(bad.resources).toEqual([]);
  });
});

describe('cloud stacks keep their secrets under KMS', () => {
  it.each([...CLOUD_STACKS, 'registry'])('%s names its tier’s KMS key as its secrets provider, never a passphrase', (stack) => {
    const doc = parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { secretsprovider?: string };
    expect(doc.secretsprovider, stack).not.toMatch(/passphrase/);
    expect(doc.secretsprovider).toBe(secretsProviderOf(stack, 'eu-central-1'));
  });
});

function readdirText(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

describe('cloud stacks and the bootstrap agree', () => {
  it.each(CLOUD_STACKS)("%s: every role it creates carries the bootstrap's workload boundary; its pipeline roles are the bootstrap's", async (stack) => {
    const boot = await capture('bootstrap');
    const workload = ofType(boot, 'aws:iam/policy:Policy').find((p) => p.inputs.name === 'msa-workload-boundary')!.state.arn;
    const config = stackConfig(stack) as { 'msa:permissionsBoundary': string; 'msa:cluster': { pipelineRoles: Record<string, string> } };
    expect(config['msa:permissionsBoundary']).toBe(workload);
    const arnOf = (name: string) => ofType(boot, 'aws:iam/role:Role').find((r) => r.inputs.name === name)!.state.arn;
    expect(config['msa:cluster'].pipelineRoles).toEqual({
      deploy: arnOf(`msa-deploy-${stack}`), preview: arnOf('msa-preview'), previewEnvironment: arnOf('msa-preview-environment'), readOnly: arnOf('msa-readonly'),
    });
    const c = await capture(stack);
    if (c.error) throw c.error;
    const roles = ofType(c, 'aws:iam/role:Role');
    expect(roles.length).toBeGreaterThan(3);
    for (const r of roles) expect(r.inputs.permissionsBoundary, `${stack} ${r.name}`).toBe(workload);
  });
});

describe('the bootstrap and the registry stack agree', () => {
  it("lets the build role push to exactly the registry's repositories, and names their prefix in IMAGE_REPOSITORY", async () => {
    const registry = await capture('registry');
    const urls = ofType(registry, 'aws:ecr/repository:Repository').map((r) => String(r.state.repositoryUrl));
    const boot = await capture('bootstrap');
    const prefix = ofType(boot, 'github:index/actionsVariable:ActionsVariable').find((v) => v.inputs.variableName === 'IMAGE_REPOSITORY')!.inputs.value;
    expect(urls.length).toBe(catalog.services.length);
    for (const url of urls) expect(url.startsWith(`${prefix}/`), url).toBe(true);
    const push = statements(boot.resources.find((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.name === 'build')!.inputs.policy).find((s) => s.Sid === 'PushToTheRegistry')!;
    const pattern = new RegExp(`^${String(push.Resource).replace(/[.]/g, '\\.').replace('*', '[^/]+')}$`);
    for (const r of ofType(registry, 'aws:ecr/repository:Repository')) expect(`arn:aws:ecr:eu-central-1:123456789012:repository/${r.inputs.name}`).toMatch(pattern);
  });
});
