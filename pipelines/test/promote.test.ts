import { describe, expect, it } from 'vitest';
import { buildCommand } from '../src/commands/build.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { promoteCommand, PromotionRefused } from '../src/commands/promote.ts';
import { rollbackCommand } from '../src/commands/rollback.ts';
import { smokeCommand } from '../src/commands/smoke.ts';
import { StackConfig } from '@msa/stack-driver';
import { releaseStore } from '../src/release/state.ts';
import { bumpVersion, stateOf, useStackFixtures } from './support/stack-fixture.ts';

const { fixture, server: releaseServer } = useStackFixtures();

describe('promote: only the artifact that passed moves on, one stage at a time', { timeout: 180_000 }, () => {
  it('refuses a skipped stage, a backwards move and a stack outside the chain, before touching anything', async () => {
    const f = fixture();
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'staging' })).rejects.toThrow(
      'Promotion refused: promoting from dev to staging would skip test; the chain is dev → test → staging → prod',
    );
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'staging', to: 'test' })).rejects.toThrow(
      'Promotion refused: test does not follow staging: promotion only moves forward along dev → test → staging → prod',
    );
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'local', to: 'prod' })).rejects.toThrow(
      'Promotion refused: "local" is not a stage of the promotion chain',
    );
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' })).rejects.toThrow(
      'Promotion refused: order has no release in dev (release state deployments/dev)',
    );
    expect(f.repo.git('status', '--porcelain').trim()).toBe('');
  });

  it('refuses a release that never passed in the previous stage (written into the config by hand)', async () => {
    const f = fixture();
    const dev = StackConfig.load(f.repo.root, 'dev');
    dev.setRelease('order', { version: '9.9.9', image: `local/msa/order@sha256:${'f'.repeat(64)}`, commit: 'abcdef1' });
    dev.save();
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' })).rejects.toThrow(PromotionRefused);
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' })).rejects.toThrow(
      /order 9\.9\.9 \(local\/msa\/order@sha256:f{64}\) never passed in dev/,
    );
  });

  it('moves the same digest dev → test → staging → prod, each after it passed before, and records where it came from', async () => {
    const f = fixture();
    const build = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    await smokeCommand(f.ctx, { service: 'order', env: 'dev' });
    await promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' });
    // test has it now, but staging may only take it after it ran in test: prod is still refused.
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'test', to: 'prod' })).rejects.toThrow(/would skip staging/);
    await promoteCommand(f.ctx, { service: 'order', from: 'test', to: 'staging' });
    await promoteCommand(f.ctx, { service: 'order', from: 'staging', to: 'prod' });
    for (const stack of ['dev', 'test', 'staging', 'prod']) {
      expect((await stateOf(f, stack)).releases['order']!.image, stack).toBe(build.image);
      const outputs = await f.ctx.pulumi.outputs(stack);
      expect((outputs!.releases as Record<string, { image: string }>).order!.image, stack).toBe(build.image);
    }
    expect((await stateOf(f, 'prod')).records).toMatchObject([{ kind: 'promote', from: 'staging', result: 'passed', release: { image: build.image } }]);
    expect((await stateOf(f, 'prod')).releases['inventory']).toBeUndefined();
  });

  it("promotes only its own run's build: refused when the previous stage runs another run's build since", async () => {
    const f = fixture();
    // Run A builds and deploys v1 to dev; before A's promotion, run B deploys its v2 to dev.
    const a = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev', commit: a.commit });
    bumpVersion(f, 'order', '0.2.0');
    const b = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev', commit: b.commit });
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test', buildCommit: a.commit })).rejects.toThrow(
      new RegExp(`dev runs order ${b.version} \\(${b.image}, built from ${b.commit.slice(0, 10)}\\), not this run's build ${a.version} \\(${a.image}, from ${a.commit.slice(0, 10)}\\)`),
    );
    expect((await stateOf(f, 'test')).releases.order).toBeUndefined();
    // B's own promotion moves B's build, with B's build record as the release.
    const outcome = await promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test', buildCommit: b.commit });
    expect(outcome!.changes).toEqual([{ service: 'order', release: { version: b.version, image: b.image, commit: b.commit } }]);
    expect((await stateOf(f, 'test')).releases.order!.image).toBe(b.image);
    // A build that never existed on this runner is named, not guessed.
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'test', to: 'staging', buildCommit: 'f'.repeat(40) })).rejects.toThrow(/No build of order at commit ffffffffffff/);
  });

  it('refuses to promote from a stage whose stack runs something other than what git says (drift)', async () => {
    const f = fixture();
    const v1 = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    bumpVersion(f, 'order', '0.2.0');
    await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    // Someone puts v1 back into dev's release state by hand without deploying it: dev still runs 0.2.0.
    await releaseStore(f.ctx).update('dev', 'hand edit', (s) => {
      s.releases.order = { version: v1.version, image: v1.image, commit: v1.commit };
    });
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' })).rejects.toThrow(
      /dev runs 0\.2\.0-[0-9a-f]{7} \(local\/msa\/order@sha256:[0-9a-f]{64}\) for order, not 0\.1\.0-[0-9a-f]{7} \(.*\) as git says; the stack has drifted/,
    );
  });

  it('refuses an artifact whose smoke test failed after its deploy', async () => {
    const f = fixture();
    await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    const dev = StackConfig.load(f.repo.root, 'dev');
    const running = dev.release('order')!;
    // The stage's tests fail: the service no longer answers (its endpoint now points at a broken path).
    dev.set('msa:serviceBase', `${releaseServer().url}/broken`);
    dev.save();
    await f.ctx.pulumi.up('dev');
    await expect(smokeCommand(f.ctx, { service: 'order', env: 'dev' })).rejects.toThrow(/Smoke test of order .* in dev failed/);
    await expect(promoteCommand(f.ctx, { service: 'order', from: 'dev', to: 'test' })).rejects.toThrow(
      new RegExp(`order ${running.version} .* never passed in dev`),
    );
  });

  it('--all promotes the set smoke-tested together in the stage, in one update, and refuses a set smoke-tested apart', async () => {
    const f = fixture();
    const order = await buildCommand(f.ctx, { service: 'order' });
    const inventory = await buildCommand(f.ctx, { service: 'inventory' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    await deployCommand(f.ctx, { service: 'inventory', env: 'dev' });
    await smokeCommand(f.ctx, { service: 'order', env: 'dev' });
    // Only order passed the stage's tests since inventory arrived: the set was not smoke-tested side by side.
    await expect(promoteCommand(f.ctx, { all: true, from: 'dev', to: 'test' })).rejects.toThrow(
      `the releases in dev were not smoke-tested together: inventory ${inventory.version} has no passing smoke test since inventory ${inventory.version} arrived; run \`pipeline smoke --all --env dev\``,
    );
    const smoked = await smokeCommand(f.ctx, { all: true, env: 'dev' });
    expect(Object.keys(smoked)).toEqual(['inventory', 'order']);
    const outcome = await promoteCommand(f.ctx, { all: true, from: 'dev', to: 'test' });
    expect(outcome!.changes.map((c) => [c.service, c.release.image])).toEqual([
      ['inventory', inventory.image],
      ['order', order.image],
    ]);
    expect(Object.keys((await stateOf(f, 'test')).releases).sort()).toEqual(['inventory', 'order']);
  });
});

describe('rollback', { timeout: 180_000 }, () => {
  it('puts back the release that passed before the current one, through the same smoke test', async () => {
    const f = fixture();
    const v1 = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    bumpVersion(f, 'order', '0.2.0');
    const v2 = await buildCommand(f.ctx, { service: 'order' });
    await deployCommand(f.ctx, { service: 'order', env: 'dev' });
    expect((await stateOf(f, 'dev')).releases['order']!.version).toBe(v2.version);
    await rollbackCommand(f.ctx, { service: 'order', env: 'dev' });
    expect((await stateOf(f, 'dev')).releases['order']!.image).toBe(v1.image);
    expect((await stateOf(f, 'dev')).records.at(-1)).toMatchObject({ kind: 'rollback', result: 'passed', release: { version: v1.version } });
    await expect(rollbackCommand(f.ctx, { service: 'order', env: 'dev', to: '7.7.7' })).rejects.toThrow(
      `No release of order to roll back to in dev matching "7.7.7": releases that passed there before: ${v2.version}`,
    );
  });
});
