import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pulumi, repoRoot, stackOutputs } from '@msa/stack-driver';

// The project-built CLI and language host run a TypeScript ESM program under Node 24 and drive a
// dynamic provider through its whole life. Needs `npm run pulumi:setup` (CI runs it first).
describe('the Pulumi toolchain', () => {
  const scratch = path.join(repoRoot, '.local', 'test-scratch');
  let project: string;
  let state: string;
  let target: string;
  const env = () => ({ PULUMI_BACKEND_URL: `file://${state}` });
  const opts = () => ({ cwd: project, env: env() });

  beforeAll(async () => {
    mkdirSync(scratch, { recursive: true });
    // Inside the repository, so the program resolves @pulumi/pulumi from the root node_modules.
    project = mkdtempSync(path.join(scratch, 'dynamic-proof-'));
    cpSync(path.join(import.meta.dirname, 'fixtures', 'dynamic-proof'), project, { recursive: true });
    state = mkdtempSync(path.join(tmpdir(), 'pulumi-state-'));
    target = path.join(mkdtempSync(path.join(tmpdir(), 'proof-')), 'greeting.txt');
    await pulumi(['stack', 'init', 'proof', '--non-interactive'], opts());
    await pulumi(['config', 'set', 'path', target, '--stack', 'proof'], opts());
    await pulumi(['config', 'set', 'content', 'hello', '--stack', 'proof'], opts());
  });

  afterAll(async () => {
    await pulumi(['destroy', '--yes', '--stack', 'proof', '--non-interactive'], opts()).catch(() => {});
    rmSync(project, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
    rmSync(path.dirname(target), { recursive: true, force: true });
  });

  it('reports the version it was built from', async () => {
    expect((await pulumi(['version'])).trim()).toMatch(/^v3\.\d+\.\d+$/);
  });

  it('creates a dynamic resource from a TypeScript program (up)', async () => {
    await pulumi(['up', '--yes', '--stack', 'proof', '--non-interactive'], opts());
    expect(readFileSync(target, 'utf8')).toBe('hello');
    expect(await stackOutputs('proof', opts())).toMatchObject({ content: 'hello', path: target });
  }, 120_000);

  it('updates in place when only the content changes', async () => {
    await pulumi(['config', 'set', 'content', 'changed', '--stack', 'proof'], opts());
    const out = await pulumi(['up', '--yes', '--stack', 'proof', '--non-interactive'], opts());
    expect(out).toMatch(/1 updated/);
    expect(readFileSync(target, 'utf8')).toBe('changed');
  }, 120_000);

  it('notices on refresh that the resource is gone, and up recreates it', async () => {
    rmSync(target);
    const refreshed = await pulumi(['refresh', '--yes', '--stack', 'proof', '--non-interactive'], opts());
    expect(refreshed).toMatch(/1 deleted/);
    const healed = await pulumi(['up', '--yes', '--stack', 'proof', '--non-interactive'], opts());
    expect(healed).toMatch(/1 created/);
    expect(readFileSync(target, 'utf8')).toBe('changed');
  }, 180_000);

  it('deletes what it created on destroy', async () => {
    writeFileSync(`${target}.keep`, 'not ours');
    await pulumi(['destroy', '--yes', '--stack', 'proof', '--non-interactive'], opts());
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.keep`)).toBe(true);
  }, 120_000);
});
