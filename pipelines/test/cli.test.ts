import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TempRepo } from './support/repo.ts';

const CLI = path.resolve(import.meta.dirname, '../src/cli.ts');
const repos: TempRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

function pipeline(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the pipeline CLI', () => {
  it('has one entry point with every command in its help', () => {
    const r = pipeline('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['affected', 'build', 'deploy', 'smoke', 'promote', 'rollback', 'clone-env', 'destroy-env', 'sweep', 'preview', 'status', 'rehearse']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    }
  });

  it('prints affected services as JSON with the matrix a workflow reads', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.addService('order').addService('delivery');
    const base = repo.commit('base');
    repo.write('apps/delivery/src/main.ts', 'export const changed = 1;\n').commit('delivery');
    const r = pipeline('--root', repo.root, 'affected', '--base', base, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).matrix).toEqual({ include: [{ service: 'delivery' }] });
  });

  it('exits non-zero with the reason on stderr when a promotion is refused, or an argument is wrong', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.addService('order').write('Pulumi.dev.yaml', 'config:\n  msa:target: local\n').write('Pulumi.prod.yaml', 'config:\n  msa:target: local\n');
    repo.commit('base');
    const refused = pipeline('--root', repo.root, 'promote', 'order', '--from', 'dev', '--to', 'prod');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('pipeline: Promotion refused: promoting from dev to prod would skip test, staging; the chain is dev → test → staging → prod\n');
    const unknown = pipeline('--root', repo.root, 'deploy', 'payments', '--env', 'dev');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('pipeline: Unknown service "payments"; the catalog has: order\n');
    const missing = pipeline('--root', repo.root, 'deploy', 'order');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--env <stack>' not specified");
  });
});
