import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findRepoRoot } from '@msa/catalog';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommand } from '../src/commands/build.ts';
import { cloneEnvCommand } from '../src/commands/clone-env.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { destroyEnvCommand } from '../src/commands/destroy-env.ts';
import { promoteCommand } from '../src/commands/promote.ts';
import { previewCommand } from '../src/commands/preview.ts';
import { DriftError, statusCommand } from '../src/commands/status.ts';
import { sweepCommand } from '../src/commands/sweep.ts';
import { StackConfig } from '@msa/stack-driver';
import { releaseStore } from '../src/release/state.ts';
import { useStackFixtures } from './support/stack-fixture.ts';

const { fixture } = useStackFixtures();

describe('status: every environment by every service, and drift from git', { timeout: 180_000 }, () => {
  it('shows the version, commit and time each stage passed, in sync with what the stacks run', async () => {
    const f = fixture();
    const build = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    await promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' });
    const status = await statusCommand(f.ctx, { json: true });
    expect(status.stacks.map((s) => s.stack)).toEqual(['dev', 'test', 'staging', 'prod', 'local']);
    const dev = status.stacks[0]!.services.find((s) => s.service === 'order')!;
    expect(dev).toMatchObject({ state: 'in-sync', release: { version: build.version, commit: build.commit }, running: { image: build.image } });
    expect(Date.parse(dev.deployedAt!)).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(status.stacks[1]!.services.find((s) => s.service === 'order')!.state).toBe('in-sync');
    expect(status.stacks[2]!.services.find((s) => s.service === 'order')).toMatchObject({ state: 'not-released', detail: 'stack not reachable or never updated' });
    expect(status.drifted).toEqual([]);
    // What status (the drift job, with a read-only role) reads of a stack: releases, never a decrypted secret.
    const outputs = await f.ctx.pulumi.outputs('dev');
    expect(outputs!.databasePassword).toBe('[secret]');
    expect(JSON.stringify([outputs, status])).not.toContain('fixture-database-password');
    // The table for people has one row per stack and service.
    const table = f.logs.at(-1)!;
    expect(JSON.parse(table).commit).toBe(status.commit);
    await statusCommand(f.ctx);
    expect(f.logs.at(-1)).toMatch(new RegExp(`│ dev +│ order +│ ${build.version.replace('.', '\\.')} +│ ${build.commit.slice(0, 10)} `));
  });

  it('reports drift when git says one release and the stack runs another, and fails with --fail-on-drift', async () => {
    const f = fixture();
    await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    // A hand edit of dev's release state (branch deployments/dev): order 0.9.0, never deployed.
    await releaseStore(f.ctx).update('dev', 'hand edit: order 0.9.0 in dev, never deployed', (s) => {
      s.releases.order = { version: '0.9.0', image: `local/msa/order@sha256:${'9'.repeat(64)}`, commit: 'abcdef0' };
    });
    const status = await statusCommand(f.ctx, { stacks: ['dev'] });
    expect(status.drifted).toEqual([
      { stack: 'dev', service: 'order', detail: expect.stringMatching(/^git says 0\.9\.0 \(local\/msa\/order@sha256:9{64}\), the stack runs 0\.1\.0-[0-9a-f]{7} \(local\/msa\/order@sha256:[0-9a-f]{64}\)$/) },
    ]);
    await expect(statusCommand(f.ctx, { stacks: ['dev'], failOnDrift: true })).rejects.toThrow(DriftError);
    // A stage that cannot be read fails drift detection too, rather than passing blind.
    const staging = StackConfig.load(f.repo.root, 'staging');
    staging.setRelease('order', { version: '0.1.0', image: `local/msa/order@sha256:${'1'.repeat(64)}`, commit: 'abcdef1' });
    staging.save();
    f.repo.commit('staging release, stack never updated');
    await expect(statusCommand(f.ctx, { stacks: ['staging'], failOnDrift: true })).rejects.toThrow(
      'staging/order: cannot tell: stack not reachable or never updated',
    );
    // Status reads the release state in git, not the checkout's config: an edit there does not count.
    const dev = StackConfig.load(f.repo.root, 'dev');
    dev.setRelease('order', { version: '0.8.0', image: `local/msa/order@sha256:${'8'.repeat(64)}`, commit: 'abcdef0' });
    dev.save();
    expect((await statusCommand(f.ctx, { stacks: ['dev'] })).stacks[0]!.services.find((s) => s.service === 'order')!.release!.version).toBe('0.9.0');
  });
});

describe('preview', { timeout: 120_000 }, () => {
  it("summarises `pulumi preview` of a stack the change touches, changing nothing, and adds it to the job summary", async () => {
    const f = fixture();
    await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    const before = await f.ctx.pulumi.outputs('dev');
    const dev = StackConfig.load(f.repo.root, 'dev');
    dev.setRelease('inventory', { version: '0.3.0', image: `local/msa/inventory@sha256:${'3'.repeat(64)}`, commit: 'abcdef3' });
    dev.save();
    const summaryFile = path.join(f.repo.root, 'step-summary.md');
    const summary = await previewCommand(f.ctx, { stack: 'dev' }, { GITHUB_STEP_SUMMARY: summaryFile });
    expect(summary).toMatch(/^### pulumi preview: `dev` ✅/);
    expect(summary).toContain('Resources:');
    expect(readFileSync(summaryFile, 'utf8')).toBe(summary);
    expect(await f.ctx.pulumi.outputs('dev')).toEqual(before);
  });
});

describe('clone-env, destroy-env and sweep', { timeout: 180_000 }, () => {
  it('clones a stack with the same releases under a preview name, brings it up, and destroys it', async () => {
    const f = fixture();
    const build = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    await cloneEnvCommand(f.ctx, { from: 'dev', to: 'pr-17' });
    expect(f.repo.read('Pulumi.pr-17.yaml')).toContain('# Release state: written by the pipeline.');
    expect(StackConfig.load(f.repo.root, 'pr-17').release('order')!.image).toBe(build.image);
    const outputs = await f.ctx.pulumi.outputs('pr-17');
    expect((outputs!.releases as Record<string, { image: string }>).order!.image).toBe(build.image);
    await destroyEnvCommand(f.ctx, { stack: 'pr-17' });
    expect(await f.ctx.pulumi.stackExists('pr-17')).toBe(false);
    expect(existsSync(path.join(f.repo.root, 'Pulumi.pr-17.yaml'))).toBe(false);
  });

  it("clones a cloud stage as a cheap preview: its releases on the stage's own cluster, valid for infra's schema", async () => {
    const f = fixture();
    const real = findRepoRoot(import.meta.dirname);
    f.repo.write('Pulumi.staging.yaml', readFileSync(path.join(real, 'Pulumi.staging.yaml'), 'utf8'));
    const staging = StackConfig.load(f.repo.root, 'staging');
    const clone = await cloneEnvCommand(f.ctx, { from: 'staging', to: 'pr-9', up: false });
    expect(clone.get('msa:environment')).toBe('preview');
    expect(clone.get('msa:cluster')).toEqual({ mode: 'reference', stack: 'organization/msa/staging' });
    expect(clone.releases()).toEqual(staging.releases());
    // Staging's secrets use the protected key; its preview, deployed by pull-request jobs, the non-prod one.
    expect(parse(f.repo.read('Pulumi.staging.yaml')).secretsprovider).toMatch(/msa-pulumi-secrets-protected/);
    expect(parse(f.repo.read('Pulumi.pr-9.yaml')).secretsprovider).toBe('awskms://alias/msa-pulumi-secrets-nonprod?region=eu-central-1');
    const raw = Object.fromEntries(Object.entries(parse(f.repo.read('Pulumi.pr-9.yaml')).config as Record<string, unknown>).map(([k, v]) => [k.slice(4), v]));
    const schemaModule = '@msa/infra/src/config/aws-schema.ts';
    const { awsStackConfigSchema } = (await import(schemaModule)) as typeof import('@msa/infra/src/config/aws-schema.ts');
    const parsed = awsStackConfigSchema.safeParse(raw);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('refuses to clone onto, or destroy, a stage of the chain, and names a clone so sweep can find it', async () => {
    const f = fixture();
    await expect(cloneEnvCommand(f.ctx, { from: 'dev', to: 'prod' })).rejects.toThrow('Refusing to clone onto prod: it is a stage of the promotion chain');
    await expect(cloneEnvCommand(f.ctx, { from: 'dev', to: 'my-copy' })).rejects.toThrow(/must look like pr-<number>, preview-<name> or rehearsal-<name>/);
    await expect(destroyEnvCommand(f.ctx, { stack: 'staging' })).rejects.toThrow(/Refusing to destroy staging/);
  });

  it('sweeps clones whose pull request closed or whose time to live passed, and keeps the others', async () => {
    const f = fixture();
    for (const name of ['pr-1', 'pr-2', 'preview-debug']) await cloneEnvCommand(f.ctx, { from: 'local', to: name });
    await f.ctx.pulumi.ensureStack('dev');
    const dry = await sweepCommand(f.ctx, { ttlHours: 72, openPullRequests: [2], dryRun: true });
    expect(dry.map((d) => [d.stack, d.action])).toEqual([
      ['pr-1', 'destroy'],
      ['pr-2', 'keep'],
      ['preview-debug', 'keep'],
    ]);
    expect(dry[0]!.reason).toBe('pull request #1 is closed');
    const done = await sweepCommand(f.ctx, { ttlHours: 72, openPullRequests: [2] });
    expect(done.filter((d) => d.action === 'destroy').map((d) => d.stack)).toEqual(['pr-1']);
    expect((await f.ctx.pulumi.stackNames()).map((s) => s.name).sort()).toEqual(['dev', 'pr-2', 'preview-debug']);
    // Time to live: an hour from now, both are past a zero-hour TTL.
    const later = { ...f.ctx, now: () => new Date(Date.now() + 3_600_000) };
    const expired = await sweepCommand(later, { ttlHours: 0.5, openPullRequests: [2] });
    expect(expired.map((d) => [d.stack, d.action])).toEqual([
      ['pr-2', 'destroy'],
      ['preview-debug', 'destroy'],
    ]);
    expect(expired[0]!.reason).toMatch(/^last updated 1\.0 h ago, past its 0\.5 h time to live$/);
    expect((await f.ctx.pulumi.stackNames()).map((s) => s.name)).toEqual(['dev']);
  });
});
