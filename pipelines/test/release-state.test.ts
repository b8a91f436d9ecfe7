import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext, type PipelineContext } from '../src/context.ts';
import { materializeCommand } from '../src/commands/materialize.ts';
import { withStackLock } from '../src/release/lock.ts';
import { releaseStore } from '../src/release/state.ts';
import { StackConfig } from '@msa/stack-driver';
import { TempRepo } from './support/repo.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const release = (svc: string, n: string) => ({ version: `1.0.${n}`, image: `local/msa/${svc}@sha256:${n.repeat(64)}`, commit: 'abcdef1' });
const record = (svc: string, n: string) => ({ at: new Date().toISOString(), stack: 'dev', service: svc, release: release(svc, n), kind: 'deploy' as const, result: 'passed' as const });

/** A remote like a protected GitHub repository: its hook refuses every push to main. */
function protectedRemote(): string {
  const origin = new TempRepo();
  dirs.push(origin.root);
  origin.addService('order').addService('inventory');
  origin.write('Pulumi.dev.yaml', '# dev\nconfig:\n  msa:target: local\n  msa:releases:\n    order:\n      version: 1.0.0\n      image: local/msa/order@sha256:' + '0'.repeat(64) + '\n      commit: abcdef0\n');
  origin.commit('base');
  const bare = temp('msa-origin-');
  execFileSync('git', ['clone', '--quiet', '--bare', origin.root, bare]);
  const hook = path.join(bare, 'hooks/pre-receive');
  writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = refs/heads/main ]; then echo "main is protected: changes arrive by pull request" >&2; exit 1; fi\ndone\n');
  chmodSync(hook, 0o755);
  return bare;
}

/** A CI job's checkout: a clone with no git identity at all, as on a hosted runner. */
function job(bare: string): PipelineContext {
  const dir = temp('msa-job-');
  execFileSync('git', ['clone', '--quiet', bare, dir]);
  return createContext({ root: dir, push: true, log: () => {}, lockTimeoutMs: 60_000 });
}
const noIdentity = { HOME: '/nonexistent', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

describe('release state: one branch per stack, never main', () => {
  const saved = { ...process.env };
  afterAll(() => {
    for (const key of Object.keys(noIdentity)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('two jobs releasing two services into one stack at once both land, one commit each, while the remote refuses every push to main', async () => {
    Object.assign(process.env, noIdentity);
    const bare = protectedRemote();
    // The remote really is protected.
    const probe = job(bare);
    writeFileSync(path.join(probe.root, 'x.txt'), 'x');
    git(probe.root, 'add', 'x.txt');
    git(probe.root, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qm', 'x');
    expect(() => execFileSync('git', ['push', 'origin', 'HEAD:main'], { cwd: probe.root, stdio: 'pipe' })).toThrow(/main is protected/);

    const a = job(bare);
    const b = job(bare);
    const mainBefore = git(bare, 'rev-parse', 'main');
    await Promise.all([
      releaseStore(a).update('dev', 'release(dev): order 1.0.1', (s) => {
        s.releases.order = release('order', '1');
        s.records.push(record('order', '1'));
      }),
      releaseStore(b).update('dev', 'release(dev): inventory 1.0.2', (s) => {
        s.releases.inventory = release('inventory', '2');
        s.records.push(record('inventory', '2'));
      }),
    ]);

    expect(git(bare, 'rev-parse', 'main')).toBe(mainBefore);
    const check = releaseStore(job(bare));
    const state = await check.read('dev');
    // The first release of the stack started from its config's seed (order 1.0.0); both jobs' changes are there.
    expect(state.releases).toEqual({ order: release('order', '1'), inventory: release('inventory', '2') });
    expect(state.records.map((r) => r.service).sort()).toEqual(['inventory', 'order']);
    expect(git(bare, 'log', '--format=%s %an', 'deployments/dev').split('\n').sort()).toEqual([
      'release(dev): inventory 1.0.2 msa pipeline',
      'release(dev): order 1.0.1 msa pipeline',
    ]);
    // The state branch holds release state only: nothing of main's tree, so main's workflow has nothing to see.
    expect(git(bare, 'ls-tree', '--name-only', 'deployments/dev').split('\n')).toEqual(['log.jsonl', 'releases.yaml']);
  });

  it('an environment at any state commit can be rebuilt: its releases go into the stack config that `pulumi up` reads', async () => {
    Object.assign(process.env, noIdentity);
    const bare = protectedRemote();
    const ctx = job(bare);
    const store = releaseStore(ctx);
    const first = await store.update('dev', 'release(dev): order 1.0.1', (s) => void (s.releases.order = release('order', '1')));
    await store.update('dev', 'release(dev): order 1.0.3', (s) => void (s.releases.order = release('order', '3')));
    await materializeCommand(ctx, { env: 'dev', at: first.commit! });
    expect(StackConfig.load(ctx.root, 'dev').release('order')).toEqual(release('order', '1'));
    expect(StackConfig.load(ctx.root, 'dev').text()).toContain('# dev');
    await materializeCommand(ctx, { env: 'dev' });
    expect(StackConfig.load(ctx.root, 'dev').release('order')).toEqual(release('order', '3'));
    await expect(materializeCommand(ctx, { env: 'dev', at: 'f'.repeat(40) })).rejects.toThrow(/not a commit of deployments\/dev/);
  });

  it("a stack's release lock admits one holder at a time across clones, and a dead holder's lock expires", async () => {
    Object.assign(process.env, noIdentity);
    const bare = protectedRemote();
    const a = releaseStore(job(bare));
    const b = releaseStore(job(bare));
    const order: string[] = [];
    const waits: string[] = [];
    const hold = (store: typeof a, name: string) =>
      withStackLock(store, 'dev', { owner: name, timeoutMs: 30_000, onWaiting: (holder) => waits.push(`${name} waits for ${holder}`) }, async () => {
        order.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 1_500));
        order.push(`${name} out`);
      });
    await Promise.all([hold(a, 'job-a'), new Promise((r) => setTimeout(r, 300)).then(() => hold(b, 'job-b'))]);
    expect(order).toEqual(['job-a in', 'job-a out', 'job-b in', 'job-b out']);
    expect(waits[0]).toBe('job-b waits for job-a');
    expect(git(bare, 'for-each-ref', 'refs/heads/deployments-lock/')).toBe('');
    // A holder that died mid-deploy left its lock behind: it blocks until its lease is over, then the next one takes it.
    const lockHeldBy = (owner: string, expires: Date) => {
      const tree = git(bare, 'hash-object', '-t', 'tree', '-w', '/dev/null');
      const commit = execFileSync('git', ['commit-tree', tree, '-m', `release lock of dev\n\nheld-by: ${owner}\nexpires: ${expires.toISOString()}`], {
        cwd: bare, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' },
      }).trim();
      git(bare, 'update-ref', 'refs/heads/deployments-lock/dev', commit);
    };
    lockHeldBy('a live job', new Date(Date.now() + 3600_000));
    await expect(withStackLock(b, 'dev', { owner: 'job-c', timeoutMs: 1_500 }, async () => 'ran')).rejects.toThrow(
      /Gave up waiting for the release lock of dev after \d+ s; it is held by a live job/,
    );
    lockHeldBy('a job that died', new Date(Date.now() - 60_000));
    expect(await withStackLock(b, 'dev', { owner: 'job-c', timeoutMs: 10_000 }, async () => 'ran')).toBe('ran');
    expect(git(bare, 'for-each-ref', 'refs/heads/deployments-lock/')).toBe('');
  });
});
