import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { createContext } from '../src/context.ts';
import { rehearseCommand } from '../src/commands/rehearse.ts';
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

  it('builds one service once and takes it dev → test → staging → prod through local clones, timing each step', { timeout: 900_000 }, async () => {
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

    const timings = await rehearseCommand(ctx, { service: service.name });

    const stands = PROMOTION_CHAIN.map((s) => `rehearsal-${s}`);
    expect(timings.map((t) => `${t.stage} ${t.step}`)).toEqual([
      ...stands.map((s) => `${s} clone local`),
      '- build',
      `${stands[0]} deploy`,
      `${stands[0]} verify`,
      ...stands.slice(1).flatMap((s) => [`${s} promote`, `${s} verify`]),
    ]);
    expect(timings.every((t) => t.ms > 0)).toBe(true);
    const version = /releasing \S+ (\S+) \(/.exec(logs.find((l) => l.startsWith(`${stands[0]}: releasing`))!)![1]!;
    for (const stand of stands) {
      expect(logs, stand).toContain(`${stand}: ${service.name} ${version} deployed and passed its smoke test`);
    }
    expect(logs.at(-1)).toMatch(new RegExp(`^Rehearsal of ${service.name}: lead time \\d+\\.\\d s from build to the last stage`));
    // The stand-ins are gone: no stack, no config file, no deployment log.
    const stacks = (await ctx.pulumi.stackNames()).map((s) => s.name);
    for (const stand of stands) {
      expect(stacks).not.toContain(stand);
      expect(existsSync(path.join(root, `Pulumi.${stand}.yaml`))).toBe(false);
    }
    expect(existsSync(path.join(root, 'deployments')) ? readdirSync(path.join(root, 'deployments')).filter((f) => f.startsWith('rehearsal-')) : []).toEqual([]);
  });
});
