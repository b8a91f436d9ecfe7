import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { createContext } from '../src/context.ts';
import { rehearseCommand } from '../src/commands/rehearse.ts';
import { buildCommand } from '../src/commands/build.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { destroyEnvCommand } from '../src/commands/destroy-env.ts';
import { rollbackCommand } from '../src/commands/rollback.ts';
import { statusCommand } from '../src/commands/status.ts';
import { releaseStore } from '../src/release/state.ts';
import { PROMOTION_CHAIN } from '../src/stacks/chain.ts';
import { ensurePulumiCli } from './support/stack-fixture.ts';

/**
 * The rehearsal on the real `local` stack of this repository (PostgreSQL and Kafka from
 * `npm run servers -- start`, which .ci/run starts): four local clones stand in for the chain, one
 * service is built once and moves through all of them, and every clone is gone afterwards.
 * It runs in a fresh clone of the repository's HEAD with its own Pulumi state, so it sees exactly
 * what is committed and leaves the working tree and its stacks alone.
 */
describe('rehearse on the real local stack', () => {
  let root = '';
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('builds one service once and takes it dev → test → staging → prod through local clones, with the stage tests at each, timing each step and stage; then status, drift and rollback on a stand-in', { timeout: 900_000 }, async () => {
    ensurePulumiCli();
    const repo = findRepoRoot(import.meta.dirname);
    root = mkdtempSync(path.join(tmpdir(), 'msa-rehearsal-'));
    execFileSync('git', ['clone', '--quiet', repo, root]);
    symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'));
    mkdirSync(path.join(root, '.local/pulumi-state'), { recursive: true });
    const service = loadCatalog(root).services[0]!;
    const logs: string[] = [];
    const ctx = createContext({
      root,
      env: { PULUMI_BACKEND_URL: `file://${path.join(root, '.local/pulumi-state')}` },
      log: (l) => logs.push(l),
      smokeTimeoutMs: 90_000,
      lockTimeoutMs: 600_000,
    });

    const timings = await rehearseCommand(ctx, { service: service.name, keep: true });

    const stands = PROMOTION_CHAIN.map((s) => `rehearsal-${s}`);
    expect(timings.map((t) => `${t.stage} ${t.step}`)).toEqual([
      ...stands.map((s) => `${s} clone local`),
      '- build',
      `${stands[0]} deploy`,
      `${stands[0]} smoke`,
      `${stands[0]} stage tests`,
      ...stands.slice(1).flatMap((s) => [`${s} promote`, `${s} smoke`, `${s} stage tests`]),
    ]);
    expect(timings.every((t) => t.ms > 0)).toBe(true);
    const version = /releasing \S+ (\S+) \(/.exec(logs.find((l) => l.startsWith(`${stands[0]}: releasing`))!)![1]!;
    for (const stand of stands) {
      expect(logs.some((l) => l.startsWith(`${stand}: ${service.name} ${version} deployed and passed its smoke test`)), stand).toBe(true);
      // The black-box saga paths through the stand-in's public API, each timed.
      const tests = logs.find((l) => l.startsWith(`${stand}: stage tests against http://127.0.0.1:`))!;
      expect(tests, stand).toMatch(/all passed in \d+\.\d s/);
      for (const path of ['confirmed', 'rejected', 'cancelled']) expect(tests, stand).toMatch(new RegExp(`│ ${path} +│ passed +│ \\d+\\.\\d\\d +│`));
    }
    const report = logs.at(-1)!;
    expect(report).toMatch(new RegExp(`^Rehearsal of ${service.name}: lead time \\d+\\.\\d s from build to the last stage`));
    expect(report).toContain('Time per stage');
    for (const stand of stands.slice(1)) expect(report).toMatch(new RegExp(`│ ${stand} +│ promote, smoke, stage tests +│ \\d+\\.\\d\\d +│`));

    // Status and drift on a real local stack: what the release state says against what the stand-in runs.
    const dev = stands[0]!;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
    const inSync = await statusCommand(ctx, { stacks: [dev] });
    expect(inSync.stacks[0]!.services.find((x) => x.service === service.name)).toMatchObject({ state: 'in-sync', release: { version } });

    // A second build of the service, deployed to the stand-in, then rolled back to the first.
    const pkgFile = path.join(root, 'apps', service.name, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    writeFileSync(pkgFile, JSON.stringify({ ...pkg, version: '9.9.9' }, null, 2) + '\n');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-am', `${service.name} 9.9.9`);
    const ops = { ...ctx, commit: true };
    const second = await buildCommand(ops, { service: service.name });
    await deployCommand(ops, { service: service.name, env: dev });
    const running = async () => ((await ctx.pulumi.outputs(dev))!.services as Record<string, { version: string }>)[service.name]!.version;
    expect(await running()).toBe(second.version);
    await rollbackCommand(ops, { service: service.name, env: dev });
    expect(await running()).toBe(version);
    expect((await statusCommand(ctx, { stacks: [dev] })).drifted).toEqual([]);

    // Someone writes another release into its release state without deploying it: drift, and --fail-on-drift says so.
    await releaseStore(ctx).update(dev, 'hand edit', (s) => {
      s.releases[service.name] = { ...s.releases[service.name]!, version: '0.0.1-hand-edited' };
    });
    await expect(statusCommand(ctx, { stacks: [dev], failOnDrift: true })).rejects.toThrow(
      `Drift between git and the stacks:\n  - ${dev}/${service.name}: git says 0.0.1-hand-edited`,
    );

    for (const stand of stands) await destroyEnvCommand(ctx, { stack: stand });
    // The stand-ins are gone: no stack, no config file, no release state.
    const stacks = (await ctx.pulumi.stackNames()).map((s) => s.name);
    for (const stand of stands) {
      expect(stacks).not.toContain(stand);
      expect(existsSync(path.join(root, `Pulumi.${stand}.yaml`))).toBe(false);
    }
    expect(existsSync(path.join(root, `Pulumi.${dev}.yaml`))).toBe(false);
    expect(git('for-each-ref', 'refs/heads/deployments/')).toBe('');
  });
});
