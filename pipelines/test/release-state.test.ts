import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/context.ts';
import { appendDeployment, readDeployments } from '../src/records/deployments.ts';
import { saveReleaseState } from '../src/release/state.ts';
import { StackConfig } from '@msa/stack-driver';
import { TempRepo } from './support/repo.ts';

const repos: TempRepo[] = [];
const dirs: string[] = [];
afterAll(() => {
  repos.forEach((r) => r.cleanup());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const release = (svc: string, n: string) => ({ version: `1.0.${n}`, image: `local/msa/${svc}@sha256:${n.repeat(64)}`, commit: 'abcdef1' });

describe('release state in git', () => {
  it('two services released into one stack at once both land: their config edits merge and their log lines are kept', async () => {
    const origin = new TempRepo();
    repos.push(origin);
    origin.addService('order').addService('inventory');
    origin.write('Pulumi.dev.yaml', '# dev\nconfig:\n  msa:target: local\n  msa:releases:\n    inventory:\n      version: 1.0.0\n      image: local/msa/inventory@sha256:' + '0'.repeat(64) + '\n      commit: abcdef0\n    order:\n      version: 1.0.0\n      image: local/msa/order@sha256:' + '0'.repeat(64) + '\n      commit: abcdef0\n');
    origin.commit('base');
    const bare = mkdtempSync(path.join(tmpdir(), 'msa-origin-'));
    dirs.push(bare);
    execFileSync('git', ['clone', '--quiet', '--bare', origin.root, bare]);
    const clone = (name: string) => {
      const dir = mkdtempSync(path.join(tmpdir(), `msa-${name}-`));
      dirs.push(dir);
      execFileSync('git', ['clone', '--quiet', bare, dir]);
      for (const [k, v] of [['user.email', 'ci@example.invalid'], ['user.name', name]]) execFileSync('git', ['config', k!, v!], { cwd: dir });
      return createContext({ root: dir, commit: true, push: true, log: () => {} });
    };
    const a = clone('order-job');
    const b = clone('inventory-job');
    for (const [ctx, svc, n] of [[a, 'order', '1'], [b, 'inventory', '2']] as const) {
      const config = StackConfig.load(ctx.root, 'dev');
      config.setRelease(svc, release(svc, n));
      config.save();
      appendDeployment(ctx.root, { at: new Date().toISOString(), stack: 'dev', service: svc, release: release(svc, n), kind: 'deploy', result: 'passed' });
    }
    await saveReleaseState(a, 'dev', 'release(dev): order 1.0.1');
    await saveReleaseState(b, 'dev', 'release(dev): inventory 1.0.2'); // rejected at first, rebased, pushed

    const check = clone('check');
    expect(StackConfig.load(check.root, 'dev').releases()).toMatchObject({ order: { version: '1.0.1' }, inventory: { version: '1.0.2' } });
    expect(readDeployments(check.root, 'dev').map((r) => r.service).sort()).toEqual(['inventory', 'order']);
    expect(execFileSync('git', ['log', '--format=%s', '-3'], { cwd: check.root, encoding: 'utf8' }).trim().split('\n')).toEqual([
      'release(dev): inventory 1.0.2',
      'release(dev): order 1.0.1',
      'base',
    ]);
  });
});
