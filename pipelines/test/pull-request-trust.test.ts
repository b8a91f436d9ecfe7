import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLOUD_STACKS, findRepoRoot, listStacks } from '@msa/catalog';
import { pullRequestPreviewStacks, touchesPlatform } from '../src/output/pull-request.ts';
import { loadWorkflows, type Job, type Step } from './support/workflows.ts';

const root = findRepoRoot(import.meta.dirname);
const workflows = loadWorkflows(root);
const pr = workflows.find((w) => w.file === 'pull-request.yml')!;
const allJobs = workflows.flatMap((w) => Object.entries(w.jobs).map(([id, job]) => ({ where: `${w.file}:${id}`, w, id, job })));
const perms = (job: Job) => (job.permissions ?? {}) as Record<string, string>;
const roleOf = (job: Job) => job.steps?.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume'];
const setupOf = (job: Job): Step | undefined => job.steps?.find((s) => s.uses === './.github/actions/setup');
/** A job runs the pull request's code unless it checks out the base branch. */
const runsBranchCode = (job: Job) => {
  const ref = job.steps?.find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.ref;
  return ref === undefined || !String(ref).includes('pull_request.base');
};
// Global options may come first, some with a value (`--push`, `--state-remote origin`).
const PULUMI = /pipeline -- (--[\w-]+ (origin )?)*(deploy|promote|rollback|smoke|clone-env|destroy-env|sweep|status|preview|drift)\b/;

describe('pull requests: branch code never holds more than its own preview', () => {
  it('gives jobs running branch code no GitHub write token, and at most the read-only preview role or, in the preview environment, the pr-N role', () => {
    const branchJobs = Object.entries(pr.jobs).filter(([, j]) => runsBranchCode(j));
    expect(branchJobs.map(([id]) => id).sort()).toEqual(['affected', 'build', 'codeowners', 'events-compat', 'platform-tests', 'preview', 'preview-environment']);
    for (const [id, job] of branchJobs) {
      expect(Object.entries(perms(job)).filter(([, v]) => v === 'write').map(([k]) => k), id).toEqual(roleOf(job) ? ['id-token'] : []);
      const role = roleOf(job);
      if (role === '${{ vars.AWS_PREVIEW_ENVIRONMENT_ROLE_ARN }}') expect(job.environment, id).toBe('preview');
      else if (role !== undefined) expect(role, id).toBe('${{ vars.AWS_PREVIEW_ROLE_ARN }}');
    }
    // The only write token (the comment) is held by base-branch code with no cloud role.
    const comment = pr.jobs.comment!;
    expect(runsBranchCode(comment)).toBe(false);
    expect(perms(comment)).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(roleOf(comment)).toBeUndefined();
  });

  it('runs no install script in any job: every job installs through the setup action, which uses npm ci --ignore-scripts', () => {
    for (const { where, job } of allJobs) {
      if (job.uses) continue;
      expect(setupOf(job), where).toBeDefined();
      expect(job.steps!.some((s) => /\bnpm (ci|install|i)\b/.test(s.run ?? '')), where).toBe(false);
      if (perms(job)['id-token'] === 'write') expect(job.steps!.indexOf(setupOf(job)!), where).toBeLessThan(job.steps!.findIndex((s) => s.uses?.startsWith('aws-actions/')));
    }
    const install = readFileSync(path.join(root, 'tools/ci/install-deps.sh'), 'utf8');
    expect(install).toContain('npm ci --ignore-scripts');
  });

  it("lists every lockfile package with install scripts in the allow-list or the skip-list, with a reason", () => {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = [...new Set(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k.replace(/^.*node_modules\//, '')))].sort();
    const lists = JSON.parse(readFileSync(path.join(root, 'tools/ci/install-scripts.json'), 'utf8')) as { allow: Record<string, string>; skip: Record<string, string> };
    expect(Object.keys({ ...lists.allow, ...lists.skip }).sort()).toEqual(withScripts);
    for (const reason of [...Object.values(lists.allow), ...Object.values(lists.skip)]) expect(reason.length).toBeGreaterThan(20);
  });

  it('installs the pinned Pulumi CLI and its plugins in every job that runs Pulumi, and only there', () => {
    for (const { where, job } of allJobs) {
      if (job.uses) continue;
      const runsPulumi = job.steps!.some((s) => PULUMI.test(s.run ?? ''));
      expect(setupOf(job)!.with?.pulumi === 'true', where).toBe(runsPulumi);
    }
  });

  it('previews only stacks pull-request code may read: never local, staging, prod, registry or bootstrap', () => {
    expect(pullRequestPreviewStacks(listStacks(root))).toEqual(['dev', 'test']);
    expect(pullRequestPreviewStacks([...CLOUD_STACKS, 'local'])).toEqual(['dev', 'test']);
    expect(pr.jobs.preview!.strategy?.matrix).toEqual({ stack: '${{ fromJSON(needs.affected.outputs.preview-stacks) }}' });
    expect(pr.jobs.preview!.if).toContain("needs.affected.outputs.any-preview-stack == 'true'");
  });

  it('never cancels a running pulumi up or preview: no workflow-level cancel, and every job that locks a stack queues (cancel-in-progress false)', () => {
    for (const w of workflows) expect((w as { concurrency?: unknown }).concurrency, w.file).toBeUndefined();
    for (const { where, job } of allJobs) {
      // A preview takes the stack's lock too; a cancelled run would leave it held.
      const changesStack = job.steps?.some((s) => /pipeline -- .*\b(deploy|promote|rollback|clone-env|destroy-env|sweep|preview|drift)\b/.test(s.run ?? ''));
      if (!changesStack) continue;
      expect(job.concurrency, where).toMatchObject({ 'cancel-in-progress': false });
    }
    expect(pr.jobs['preview-environment']!.concurrency).toEqual(pr.jobs['destroy-preview-environment']!.concurrency);
  });

  it("runs the platform's own tests when the platform changes, and checks CODEOWNERS and the event contract on every pull request", () => {
    const tests = pr.jobs['platform-tests']!;
    expect(tests.if).toBe("needs.affected.outputs.platform == 'true'");
    expect(tests.steps!.at(-1)!.run?.trim()).toBe('npm test');
    expect(pr.jobs.codeowners!.steps!.at(-1)!.run?.trim()).toBe('npm run pipeline -- codeowners --check');
    expect(pr.jobs['events-compat']!.steps!.at(-1)!.run?.trim()).toBe('npm run pipeline -- events-compat --base "$BASE_SHA"');
    expect(pr.jobs['events-compat']!.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
    for (const f of ['pipelines/src/cli.ts', '.github/workflows/main.yml', 'infra/src/program.ts', 'packages/catalog/src/load.ts', 'Pulumi.dev.yaml', 'package-lock.json']) {
      expect(touchesPlatform([f]), f).toBe(true);
    }
    expect(touchesPlatform(['apps/order/src/app.ts', 'README.md', 'apps/order/service.yaml'])).toBe(false);
  });

  it('requires, in the bootstrap ruleset, checks that are jobs of this workflow', () => {
    const bootstrap = parse(readFileSync(path.join(root, 'Pulumi.bootstrap.yaml'), 'utf8')) as { config: { 'msa:github': { requiredChecks: string[] } } };
    for (const check of bootstrap.config['msa:github'].requiredChecks) expect(Object.keys(pr.jobs), check).toContain(check);
  });
});
