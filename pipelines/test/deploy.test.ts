import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactDigest } from '@msa/service-kit/artifact';
import { buildCommand } from '../src/commands/build.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { DeployFailedError } from '../src/release/apply.ts';
import { StackConfig } from '@msa/stack-driver';
import { bumpVersion, stateOf, useStackFixtures } from './support/stack-fixture.ts';

const { fixture, server: releaseServer } = useStackFixtures();

describe('build', { timeout: 120_000 }, () => {
  it('typechecks, tests and packs the service; says why it skipped the image; names the artifact by digest', async () => {
    const f = fixture();
    const record = await buildCommand(f.ctx, { service: 'order' });
    expect(record.steps.map((s) => [s.name, s.status])).toEqual([
      ['typecheck', 'passed'],
      ['test', 'passed'],
      ['bundle', 'passed'],
      ['image', 'skipped'],
    ]);
    expect(record.steps[3]!.detail).toMatch(/no Docker engine \(.+\); the release uses the bundle digest sha256:[0-9a-f]{64}/);
    expect(record.image).toBe(`local/msa/order@${record.digest}`);
    expect(existsSync(path.join(f.repo.root, record.artifact))).toBe(true);
    expect(record.artifact).toBe(`.local/artifacts/order/${record.digest.replace(':', '-')}.tgz`);
    // The same sources give the same artifact: building again reproduces the digest.
    const again = await buildCommand(f.ctx, { service: 'order' });
    expect(again.digest).toBe(record.digest);
    // One artifact: the runnable folder the local stack runs, and the same files packed beside it.
    const stored = record.digest.replace(':', '-');
    expect(readdirSync(path.join(f.repo.root, '.local/artifacts/order')).sort()).toEqual([stored, `${stored}.tgz`]);
    expect(artifactDigest(path.join(f.repo.root, '.local/artifacts/order', stored)).digest).toBe(record.digest);
    expect(artifactDigest(path.join(f.repo.root, 'apps/order')).digest).toBe(record.digest);
  });

  it('fails at the step that fails, and writes no build record', async () => {
    const f = fixture();
    f.repo.write('apps/inventory/src/main.ts', "export const name: number = 'inventory';\n");
    f.repo.commit('type error');
    await expect(buildCommand(f.ctx, { service: 'inventory' })).rejects.toThrow(/Build of inventory failed at typecheck: .*TS2322/s);
    expect(existsSync(path.join(f.repo.root, '.local/builds/inventory'))).toBe(false);
  });
});

describe('deploy', { timeout: 120_000 }, () => {
  it('sets the release in the stack config (comments kept), runs pulumi up, smoke-tests, and records it as one commit of deployments/dev, not of main', async () => {
    const f = fixture();
    const build = await buildCommand(f.ctx, { service: 'order' });
    const outcome = await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    expect(outcome.smoke.order!.ok).toBe(true);
    const config = f.repo.read('Pulumi.dev.yaml');
    expect(config).toContain('# Release state: written by the pipeline.');
    expect(StackConfig.load(f.repo.root, 'dev').release('order')).toEqual({ version: build.version, image: build.image, commit: build.commit });
    const outputs = await f.ctx.pulumi.outputs('dev');
    expect((outputs!.releases as Record<string, { image: string }>).order!.image).toBe(build.image);
    expect(releaseServer().hits).toContain(`/order/${build.version}/healthz`);
    const state = await stateOf(f, 'dev');
    expect(state.records.map((r) => [r.service, r.kind, r.result])).toEqual([['order', 'deploy', 'passed']]);
    expect(state.releases.order).toEqual({ version: build.version, image: build.image, commit: build.commit });
    expect(f.repo.git('log', '--format=%s', 'deployments/dev').trim().split('\n')).toEqual([`release(dev): order ${build.version}`]);
    expect(f.repo.git('log', '-1', '--format=%s', 'main').trim()).toBe('fixture');
  });

  it('refuses to put a build straight into a later stage', async () => {
    const f = fixture();
    await buildCommand(f.ctx, { service: 'order' });
    await expect(deployCommand(f.ctx, { service: 'order', env: 'staging' })).rejects.toThrow(
      /Refusing to deploy a build straight to staging: only dev takes new builds/,
    );
  });

  it('rolls back to the previous release when the smoke test fails, and says so', async () => {
    const f = fixture();
    const good = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    bumpVersion(f, 'order', '0.2.0-broken');
    const bad = await buildCommand(f.ctx, { service: 'order' });
    const failed = deployCommand(f.ctx, { service: 'order', env: 'dev' });
    await expect(failed).rejects.toThrow(DeployFailedError);
    await expect(failed).rejects.toThrow(new RegExp(`Deploying order ${bad.version} to dev failed: smoke test of order failed.*Rolled back to order ${good.version}\\.`, 's'));
    expect(StackConfig.load(f.repo.root, 'dev').release('order')!.image).toBe(good.image);
    const outputs = await f.ctx.pulumi.outputs('dev');
    expect((outputs!.releases as Record<string, { image: string }>).order!.image).toBe(good.image);
    const log = (await stateOf(f, 'dev')).records;
    expect(log.map((r) => [r.release.version, r.result])).toEqual([
      [good.version, 'passed'],
      [bad.version, 'rolled-back'],
    ]);
    expect(log[1]!.detail).toMatch(/answered 503; rolled back to order/);
    expect(f.logs.join('\n')).toContain(`dev: rolled back to order ${good.version}`);
  });

  it("waits for the stack's lock while another update holds it, then deploys", async () => {
    const f = fixture();
    await buildCommand(f.ctx, { service: 'inventory' });
    await f.ctx.pulumi.ensureStack('dev');
    // Another update holds dev's lock for a few seconds (a real `pulumi up`, kept busy by the program).
    const holder = new (f.ctx.pulumi.constructor as typeof import('@msa/stack-driver').Pulumi)({
      root: f.repo.root,
      env: { ...f.ctx.pulumi.env, FIXTURE_HOLD_MS: '6000' },
    });
    const holding = holder.up('dev');
    const locks = path.join(f.backend, '.pulumi/locks/organization/msa/dev');
    const started = Date.now();
    while (!(existsSync(locks) && readdirSync(locks).length > 0)) {
      if (Date.now() - started > 20_000) throw new Error('the holder never took the lock');
      await new Promise((r) => setTimeout(r, 100));
    }
    const outcome = await deployCommand(f.ctx, { service: 'inventory', env: 'dev' });
    expect((await holding).exitCode).toBe(0);
    expect(outcome.smoke.inventory!.ok).toBe(true);
    expect(f.logs.some((l) => /^dev: waiting for the stack's lock \(created by .+\)/.test(l))).toBe(true);
  });
});
