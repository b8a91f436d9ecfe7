import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from '@msa/catalog';
import { buildCommand } from '../src/commands/build.ts';
import { cloneEnvCommand } from '../src/commands/clone-env.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { destroyEnvCommand } from '../src/commands/destroy-env.ts';
import { createContext, type PipelineContext } from '../src/context.ts';
import { releaseStore } from '../src/release/state.ts';
import { ensurePulumiCli } from './support/stack-fixture.ts';

/**
 * Two CI jobs at once on the real local target: each has its own checkout of this repository's
 * HEAD (cloned from a remote that, like a protected GitHub main, refuses pushes to main), both
 * deploy into one local stack (one Pulumi backend) and record release state on that remote.
 */
describe('two real deploys of two services into one local stack at once, from two checkouts', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('leaves both releases running and both recorded', { timeout: 900_000 }, async () => {
    ensurePulumiCli();
    const repo = findRepoRoot(import.meta.dirname);
    const temp = (prefix: string) => {
      const d = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    };
    const bare = temp('msa-origin-');
    execFileSync('git', ['clone', '--quiet', '--bare', repo, bare]);
    writeFileSync(path.join(bare, 'hooks/pre-receive'), '#!/bin/sh\nwhile read old new ref; do [ "$ref" = refs/heads/main ] && { echo "main is protected" >&2; exit 1; }; done; exit 0\n');
    chmodSync(path.join(bare, 'hooks/pre-receive'), 0o755);
    const mainBefore = execFileSync('git', ['rev-parse', 'main'], { cwd: bare, encoding: 'utf8' }).trim();
    const backend = temp('msa-backend-');
    // Their registry: one artifact store for both, as both push to one image registry in the cloud
    // (each `pulumi up` runs every release of the stack, the other job's build too).
    const registry = temp('msa-registry-');
    const stack = `preview-both-${process.pid}`;
    const job = (name: string): { ctx: PipelineContext; logs: string[] } => {
      const root = temp(`msa-${name}-`);
      execFileSync('git', ['clone', '--quiet', bare, root]);
      symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'));
      mkdirSync(path.join(root, '.local'), { recursive: true });
      symlinkSync(registry, path.join(root, '.local/artifacts'));
      const logs: string[] = [];
      const ctx = createContext({ root, env: { PULUMI_BACKEND_URL: `file://${backend}` }, log: (l) => logs.push(l), smokeTimeoutMs: 90_000, lockTimeoutMs: 600_000, push: true });
      return { ctx, logs };
    };
    const a = job('delivery-job');
    const b = job('inventory-job');
    // The stack both deploy into: a clone of `local` (its config file is in both checkouts, as a stage's is on main).
    await cloneEnvCommand(a.ctx, { from: 'local', to: stack });
    copyFileSync(path.join(a.ctx.root, `Pulumi.${stack}.yaml`), path.join(b.ctx.root, `Pulumi.${stack}.yaml`));
    try {
      const delivery = await buildCommand(a.ctx, { service: 'delivery' });
      const inventory = await buildCommand(b.ctx, { service: 'inventory' });

      const first = deployCommand(a.ctx, { service: 'delivery', env: stack, commit: delivery.commit });
      await new Promise((r) => setTimeout(r, 1_000));
      const second = deployCommand(b.ctx, { service: 'inventory', env: stack, commit: inventory.commit });
      await Promise.all([first, second]);

      // Both run: the stack reports both releases' versions, and their processes run the built artifacts.
      const outputs = (await b.ctx.pulumi.outputs(stack)) as { releases: Record<string, { version: string; commit?: string }> };
      expect(outputs.releases.delivery).toMatchObject({ version: delivery.version, commit: delivery.commit });
      expect(outputs.releases.inventory).toMatchObject({ version: inventory.version, commit: inventory.commit });
      const waited = [...a.logs, ...b.logs].filter((l) => l.startsWith(`${stack}: waiting for the release lock`));
      expect(waited.length).toBeGreaterThan(0);
      // Both are recorded, one commit each, on the remote's deployments/<stack>; main is untouched.
      const state = await releaseStore(a.ctx).read(stack);
      expect(Object.keys(state.releases).sort()).toEqual(['delivery', 'inventory']);
      expect(state.records.map((r) => [r.service, r.kind, r.result]).sort()).toEqual([
        ['delivery', 'deploy', 'passed'],
        ['inventory', 'deploy', 'passed'],
      ]);
      expect(execFileSync('git', ['log', '--format=%s', `deployments/${stack}`], { cwd: bare, encoding: 'utf8' }).trim().split('\n')).toHaveLength(2);
      expect(execFileSync('git', ['rev-parse', 'main'], { cwd: bare, encoding: 'utf8' }).trim()).toBe(mainBefore);
    } finally {
      await destroyEnvCommand(a.ctx, { stack });
    }
  });
});
