import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_IDENTITY, Git } from '../src/git/git.ts';

/** A process environment like a hosted runner's: an empty HOME, no global or system git config. */
const KEYS = ['HOME', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL'] as const;

describe('git identity on a runner that has none', () => {
  let saved: Record<string, string | undefined>;
  let home: string;
  let repo: string;
  beforeEach(() => {
    saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
    for (const k of KEYS) delete process.env[k];
    home = mkdtempSync(path.join(tmpdir(), 'msa-home-'));
    repo = mkdtempSync(path.join(tmpdir(), 'msa-repo-'));
    Object.assign(process.env, { HOME: home, GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'), GIT_CONFIG_NOSYSTEM: '1' });
    execFileSync('git', ['init', '--quiet', '-b', 'main'], { cwd: repo });
  });
  afterEach(() => {
    for (const k of KEYS) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    rmSync(home, { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
  });

  it('commits (and so rebases and writes commit objects) as the Actions bot, passing the identity per command and writing it into no config file', async () => {
    // Plain git refuses here, as on a hosted runner.
    writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    execFileSync('git', ['add', 'a.txt'], { cwd: repo });
    expect(() => execFileSync('git', ['commit', '-qm', 'x'], { cwd: repo, stdio: 'pipe' })).toThrow(/Please tell me who you are|unable to auto-detect email/);

    const git = new Git(repo);
    await git.run(['commit', '--quiet', '-m', 'release state']);
    expect(execFileSync('git', ['log', '-1', '--format=%an <%ae> / %cn <%ce>'], { cwd: repo, encoding: 'utf8' }).trim())
      .toBe(`${BOT_IDENTITY.name} <${BOT_IDENTITY.email}> / ${BOT_IDENTITY.name} <${BOT_IDENTITY.email}>`);
    expect(existsSync(path.join(home, '.gitconfig'))).toBe(false);
    expect(readdirSync(home)).toEqual([]);
    expect(execFileSync('git', ['config', '--local', '--list'], { cwd: repo, encoding: 'utf8' })).not.toContain('user.');
  });

  it('keeps an identity the repository already has', async () => {
    execFileSync('git', ['config', 'user.name', 'Release Manager'], { cwd: repo });
    execFileSync('git', ['config', 'user.email', 'rm@example.com'], { cwd: repo });
    writeFileSync(path.join(repo, 'b.txt'), 'b\n');
    await new Git(repo).run(['add', 'b.txt']);
    await new Git(repo).run(['commit', '--quiet', '-m', 'by hand']);
    expect(execFileSync('git', ['log', '-1', '--format=%an <%ae>'], { cwd: repo, encoding: 'utf8' }).trim()).toBe('Release Manager <rm@example.com>');
  });
});
