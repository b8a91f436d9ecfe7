import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOOLS_ROOT } from '@msa/stack-driver';
import { buildCommand } from '../src/commands/build.ts';
import { deployCommand } from '../src/commands/deploy.ts';
import { createContext } from '../src/context.ts';
import { releaseStore } from '../src/release/state.ts';
import { startReleaseServer, stackRepo, ensurePulumiCli } from './support/stack-fixture.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('two deploys of two services into one stack at once, from two checkouts', { timeout: 600_000 }, () => {
  it('both releases run afterwards and the release state records both: the second re-reads state once it holds the lock', async () => {
    ensurePulumiCli();
    const server = await startReleaseServer();
    try {
      const origin = stackRepo(server.url);
      dirs.push(origin.repo.root);
      const bare = mkdtempSync(path.join(tmpdir(), 'msa-origin-'));
      dirs.push(bare);
      execFileSync('git', ['clone', '--quiet', '--bare', origin.repo.root, bare]);
      writeFileSync(path.join(bare, 'hooks/pre-receive'), '#!/bin/sh\nwhile read old new ref; do [ "$ref" = refs/heads/main ] && { echo "main is protected" >&2; exit 1; }; done; exit 0\n');
      chmodSync(path.join(bare, 'hooks/pre-receive'), 0o755);
      const backend = mkdtempSync(path.join(tmpdir(), 'msa-backend-'));
      dirs.push(backend);
      mkdirSync(backend, { recursive: true });

      // Two CI jobs: their own checkouts, one shared Pulumi backend and one state remote. The first job's
      // `pulumi up` takes a few seconds (FIXTURE_HOLD_MS), so the second starts while it runs.
      const job = (name: string, holdMs: number) => {
        const root = mkdtempSync(path.join(tmpdir(), `msa-${name}-`));
        dirs.push(root);
        execFileSync('git', ['clone', '--quiet', bare, root]);
        symlinkSync(path.join(TOOLS_ROOT, 'node_modules'), path.join(root, 'node_modules'));
        const logs: string[] = [];
        const ctx = createContext({
          root,
          env: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: 'test-only', FIXTURE_HOLD_MS: String(holdMs) },
          log: (line) => logs.push(line),
          smokeTimeoutMs: 5_000,
          lockTimeoutMs: 300_000,
          push: true,
        });
        return { ctx, logs };
      };
      const a = job('order-job', 6_000);
      const b = job('inventory-job', 0);
      const orderBuild = await buildCommand(a.ctx, { service: 'order' });
      const inventoryBuild = await buildCommand(b.ctx, { service: 'inventory' });

      const first = deployCommand(a.ctx, { service: 'order', env: 'dev' });
      await new Promise((r) => setTimeout(r, 1_500));
      const second = deployCommand(b.ctx, { service: 'inventory', env: 'dev' });
      await Promise.all([first, second]);

      // The stack runs both: the second `up` ran with order's release, read after the first recorded it.
      const outputs = (await b.ctx.pulumi.outputs('dev')) as { releases: Record<string, { image: string }> };
      expect(Object.fromEntries(Object.entries(outputs.releases).map(([s, r]) => [s, r.image]))).toEqual({ order: orderBuild.image, inventory: inventoryBuild.image });
      expect(b.logs.some((l) => /^dev: waiting for the release lock \(deploy order .+\)/.test(l))).toBe(true);
      const state = await releaseStore(b.ctx).read('dev');
      expect(state.releases).toEqual({
        order: { version: orderBuild.version, image: orderBuild.image, commit: orderBuild.commit },
        inventory: { version: inventoryBuild.version, image: inventoryBuild.image, commit: inventoryBuild.commit },
      });
      expect(state.records.map((r) => [r.service, r.kind, r.result])).toEqual([
        ['order', 'deploy', 'passed'],
        ['inventory', 'deploy', 'passed'],
      ]);
      expect(execFileSync('git', ['log', '--format=%s', 'deployments/dev'], { cwd: bare, encoding: 'utf8' }).trim().split('\n')).toEqual([
        `release(dev): inventory ${inventoryBuild.version}`,
        `release(dev): order ${orderBuild.version}`,
      ]);
    } finally {
      server.server.close();
    }
  });
});
