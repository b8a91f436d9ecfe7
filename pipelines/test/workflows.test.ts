import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { computeAffected } from '../src/affected/affected.ts';
import { PROMOTION_CHAIN } from '../src/stacks/chain.ts';
import { TempRepo } from './support/repo.ts';
import { environmentOf, loadWorkflows, needsOf, type Job, type Workflow } from './support/workflows.ts';

const root = findRepoRoot(import.meta.dirname);
const workflows = loadWorkflows(root);
const byFile = (f: string): Workflow => workflows.find((w) => w.file === f)!;
const allJobs = workflows.flatMap((w) => Object.entries(w.jobs).map(([id, job]) => ({ w, id, job })));
const DEPLOYING = /pipeline -- .*\b(deploy|promote|rollback|smoke|verify|clone-env|destroy-env|sweep)\b/;
const deploys = (job: Job) => (job.steps ?? []).some((s) => s.run !== undefined && DEPLOYING.test(s.run));

describe('workflows: structure', () => {
  it('exist for pull requests, main, the per-service release, drift, sweep, promote and rollback', () => {
    expect(workflows.map((w) => w.file)).toEqual([
      'drift.yml', 'main.yml', 'promote.yml', 'pull-request.yml', 'release-service.yml', 'release-stage.yml', 'rollback.yml', 'sweep.yml',
    ]);
  });

  it('hold no logic: every run step is `npm test` or one `npm run pipeline -- <command>`, with no ${{ }} inside', () => {
    const runs = allJobs.flatMap(({ w, id, job }) => (job.steps ?? []).filter((s) => s.run !== undefined).map((s) => ({ where: `${w.file}:${id}`, run: s.run! })));
    expect(runs.length).toBeGreaterThan(15);
    for (const { where, run } of runs) {
      expect(run, where).toMatch(/^(npm test|npm run pipeline -- [a-z-]+[^\n;&|`]*)\n?$/);
      expect(run, where).not.toContain('${{');
    }
  });

  it('pin every action by a full commit sha with its version in a comment', () => {
    const uses = workflows.flatMap((w) => w.text.split('\n').filter((l) => /^\s*(- )?uses:/.test(l)).map((l) => ({ w: w.file, l: l.trim() })));
    expect(uses.length).toBeGreaterThan(20);
    for (const { w, l } of uses) {
      if (l.includes('./.github/workflows/') || l.includes('./.github/actions/')) continue;
      expect(l, w).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
    }
  });

  it('grant no permission at the top and the least per job; id-token only where a cloud role is assumed', () => {
    for (const w of workflows) expect(w.permissions, w.file).toEqual({});
    for (const { w, id, job } of allJobs) {
      expect(job.permissions, `${w.file}:${id}`).toBeTypeOf('object');
      const assumesRole = (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      const callsRelease = job.uses !== undefined;
      const perms = job.permissions as Record<string, string>;
      expect(perms['id-token'] === 'write', `${w.file}:${id} id-token`).toBe(assumesRole || callsRelease);
      if (perms.contents === 'write') expect(deploys(job) || callsRelease, `${w.file}:${id} writes contents`).toBe(true);
    }
  });

  it('never check out untrusted code with secrets: no pull_request_target, no persisted git credentials', () => {
    for (const w of workflows) expect(Object.keys(w.on), w.file).not.toContain('pull_request_target');
    for (const { w, id, job } of allJobs) {
      for (const s of job.steps ?? []) {
        if (s.uses?.startsWith('actions/checkout@')) expect(s.with?.['persist-credentials'], `${w.file}:${id}`).toBe(false);
      }
    }
    const pr = byFile('pull-request.yml');
    for (const id of ['preview', 'preview-environment', 'comment', 'destroy-preview-environment']) {
      expect(pr.jobs[id]!.if, id).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    }
  });

  it('give every job a timeout, and every deploying job a concurrency group named after its stack', () => {
    for (const { w, id, job } of allJobs) {
      if (job.uses) continue; // a reusable-workflow call cannot carry a timeout; its jobs do
      expect(job['timeout-minutes'], `${w.file}:${id}`).toBeGreaterThan(0);
      if (deploys(job)) {
        const c = job.concurrency as { group: string; 'cancel-in-progress': boolean } | undefined;
        expect(c?.group, `${w.file}:${id} concurrency`).toMatch(/(deploy|stack)-/);
        expect(c?.['cancel-in-progress'], `${w.file}:${id}`).toBe(false);
        const stack = environmentOf(job) ?? /--(?:env|to) (\w+)/.exec(job.steps!.map((s) => s.run ?? '').join(' '))?.[1];
        if (stack && !stack.includes('${{') && stack !== 'preview') expect(c!.group, `${w.file}:${id}`).toContain(`-${stack}-`);
      }
    }
  });

  it('run each service through the chain in order in its own release: one stage workflow called per stage, prod after staging', () => {
    const release = byFile('release-service.yml');
    const calls = Object.entries(release.jobs).filter(([, j]) => j.uses === './.github/workflows/release-stage.yml');
    expect(calls.map(([id, j]) => [id, j.with?.stage])).toEqual(PROMOTION_CHAIN.map((s) => [s, s]));
    expect(needsOf(release.jobs[PROMOTION_CHAIN[0]]!)).toEqual(['build']);
    expect(release.jobs[PROMOTION_CHAIN[0]]!.with?.from).toBeUndefined();
    for (let i = 1; i < PROMOTION_CHAIN.length; i++) {
      const stage = PROMOTION_CHAIN[i]!;
      const prev = PROMOTION_CHAIN[i - 1]!;
      // A stage's call ends only when its tests passed, so the next stage waits on them.
      expect(needsOf(release.jobs[stage]!), stage).toEqual([prev]);
      expect(release.jobs[stage]!.with?.from, stage).toBe(prev);
    }
    // Built once: only the build job builds; every later stage promotes the recorded artifact.
    const builds = (w: Workflow) => Object.entries(w.jobs).filter(([, j]) => (j.steps ?? []).some((s) => s.run?.includes('pipeline -- build'))).map(([id]) => id);
    expect(builds(release)).toEqual(['build']);
    expect(builds(byFile('release-stage.yml'))).toEqual([]);
  });

  it("give each stage its environment, then its tests, one stack at a time, promoting only this run's build", () => {
    const stage = byFile('release-stage.yml');
    const { release, tests } = stage.jobs;
    expect(environmentOf(release!)).toBe('${{ inputs.stage }}');
    expect(needsOf(tests!)).toEqual(['release']);
    // One group per stack, never cancelling, every waiting release kept in order (not only the last one).
    for (const job of [release!, tests!]) expect(job.concurrency).toEqual({ group: 'stack-${{ inputs.stage }}', 'cancel-in-progress': false, queue: 'max' });
    const runs = release!.steps!.filter((s) => s.run?.startsWith('npm run pipeline')).map((s) => [s.if, s.run!.trimEnd()]);
    expect(runs).toEqual([
      ["inputs.from == ''", 'npm run pipeline -- --push deploy "$SERVICE" --env "$STAGE" --build-commit "$COMMIT"'],
      ["inputs.from != ''", 'npm run pipeline -- --push promote "$SERVICE" --from "$FROM" --to "$STAGE" --build-commit "$COMMIT"'],
    ]);
    for (const s of release!.steps!.filter((x) => x.run?.includes('--build-commit'))) expect(s.env?.COMMIT).toBe('${{ github.sha }}');
    // Every stage has this run's build record: the first deploys it, the others pin their promotion to it.
    const download = release!.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.if).toBeUndefined();
    expect(tests!.steps!.filter((s) => s.run?.startsWith('npm run pipeline')).map((s) => s.run!.trimEnd())).toEqual([
      'npm run pipeline -- --push smoke "$SERVICE" --env "$STAGE"',
      'npm run pipeline -- --push stage-test --env "$STAGE"',
    ]);
  });

  it('run the manual promote and rollback in the same one-at-a-time group of the stack they change', () => {
    expect(byFile('promote.yml').jobs.promote!.concurrency).toEqual({ group: 'stack-${{ inputs.to }}', 'cancel-in-progress': false, queue: 'max' });
    expect(byFile('rollback.yml').jobs.rollback!.concurrency).toEqual({ group: 'stack-${{ inputs.env }}', 'cancel-in-progress': false, queue: 'max' });
  });

  it('release services independently: main fans out one release per affected service with fail-fast off', () => {
    const main = byFile('main.yml');
    const rel = main.jobs.release!;
    expect(rel.uses).toBe('./.github/workflows/release-service.yml');
    expect(rel.strategy?.['fail-fast']).toBe(false);
    expect(rel.strategy?.matrix).toBe('${{ fromJSON(needs.affected.outputs.matrix) }}');
    expect(rel.with?.service).toBe('${{ matrix.service }}');
    expect(main.jobs.affected!.steps!.at(-1)!.run).toMatch(/^npm run pipeline -- affected --base "\$BEFORE" --github-output/);
    const pr = byFile('pull-request.yml');
    expect(pr.jobs.build!.strategy?.matrix).toBe('${{ fromJSON(needs.affected.outputs.matrix) }}');
    expect(pr.jobs.build!.strategy?.['fail-fast']).toBe(false);
  });

  it('point every command that reaches a stack at the shared Pulumi backend (a repository variable, not a secret)', () => {
    const stackSteps = allJobs.flatMap(({ w, id, job }) =>
      (job.steps ?? []).filter((s) => s.run && /pipeline -- .*\b(deploy|promote|smoke|stage-test|verify|rollback|clone-env|destroy-env|sweep|preview|status)\b/.test(s.run)).map((s) => ({ where: `${w.file}:${id}`, s })),
    );
    expect(stackSteps.length).toBeGreaterThanOrEqual(12);
    for (const { where, s } of stackSteps) expect(s.env?.PULUMI_BACKEND_URL, where).toBe('${{ vars.PULUMI_BACKEND_URL }}');
  });

  it('offer the chain stages, and only them, in the manual promote and rollback forms', () => {
    const promote = byFile('promote.yml').on.workflow_dispatch as { inputs: Record<string, { options?: string[] }> };
    expect(promote.inputs.from!.options).toEqual(PROMOTION_CHAIN.slice(0, -1));
    expect(promote.inputs.to!.options).toEqual(PROMOTION_CHAIN.slice(1));
    const rollback = byFile('rollback.yml').on.workflow_dispatch as { inputs: Record<string, { options?: string[] }> };
    expect(rollback.inputs.env!.options).toEqual([...PROMOTION_CHAIN]);
  });

  it('keep drift detection read-only: per cloud stack, a refresh preview and the release state check (read from origin), with the read-only role', () => {
    const drift = byFile('drift.yml');
    const job = drift.jobs.drift!;
    expect((job.strategy?.matrix as { stack: string[] }).stack).toEqual([...PROMOTION_CHAIN]);
    expect(job.steps!.map((s) => s.run?.trimEnd()).filter(Boolean)).toEqual(['npm run pipeline -- drift --stack "$STACK"', 'npm run pipeline -- --state-remote origin status --stack "$STACK" --fail-on-drift']);
    // The release state it checks lives on the branches deployments/<stack> of origin, read (never pushed) with the job's token.
    expect(job.steps!.find((s) => s.run?.includes(' status '))?.env?.GITHUB_TOKEN).toBe('${{ github.token }}');
    expect(job.steps!.find((s) => s.uses?.startsWith('aws-actions/'))?.with?.['role-to-assume']).toBe('${{ vars.AWS_READONLY_ROLE_ARN }}');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });
});

describe("workflows: each service's jobs run only for its paths", () => {
  const repos: TempRepo[] = [];
  afterAll(() => repos.forEach((r) => r.cleanup()));

  it('gives a one-leg matrix for a change in any catalog service, from the real catalog', async () => {
    const catalog = loadCatalog(root);
    const repo = new TempRepo();
    repos.push(repo);
    for (const s of catalog.services) {
      cpSync(path.join(s.dir, 'service.yaml'), path.join(repo.root, 'apps', s.name, 'service.yaml'), { recursive: true });
      // A Node.js service's manifest; a service of another runtime has none.
      if (existsSync(path.join(s.dir, 'package.json'))) cpSync(path.join(s.dir, 'package.json'), path.join(repo.root, 'apps', s.name, 'package.json'));
    }
    repo.commit('the catalog');
    expect(catalog.services.length).toBeGreaterThanOrEqual(3);
    for (const s of catalog.services) {
      repo.write(`apps/${s.name}/src/changed.ts`, 'export {};\n');
      const head = repo.commit(`change ${s.name}`);
      const result = await computeAffected({ root: repo.root, base: `${head}~1` });
      expect(result.services.map((x) => x.name)).toEqual([s.name]);
    }
  });
});

describe('workflows: linters', () => {
  beforeAll(() => {
    // Installs actionlint (Go module proxy) and zizmor (PyPI) into .tools when missing; fast when present.
    execFileSync('bash', [path.join(root, 'pipelines/scripts/install-workflow-linters.sh')], { stdio: 'inherit' });
  }, 300_000);

  it('actionlint finds nothing', () => {
    const out = execFileSync(path.join(root, '.tools/bin/actionlint'), ['-no-color'], { cwd: root, encoding: 'utf8' });
    expect(out).toBe('');
  });

  it('zizmor (offline, pedantic persona: every audit) finds nothing in any workflow', () => {
    const out = execFileSync(path.join(root, '.tools/zizmor/bin/zizmor'), ['--offline', '--no-progress', '--persona', 'pedantic', '--format', 'json', '.github/workflows'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([]);
  });
});
