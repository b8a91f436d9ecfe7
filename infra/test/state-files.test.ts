import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support.ts';

describe('local Pulumi state', () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'msa-state-files-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('lives in a folder only its owner can open, whatever the umask (it holds database passwords)', () => {
    // env.sh finds the repository from its own place: a copy of it makes `copy` the repository.
    mkdirSync(path.join(copy, 'tools/pulumi'), { recursive: true });
    cpSync(path.join(ROOT, 'tools/pulumi/env.sh'), path.join(copy, 'tools/pulumi/env.sh'));
    execFileSync('bash', ['-c', 'umask 022 && unset PULUMI_BACKEND_URL PULUMI_HOME && source tools/pulumi/env.sh'], { cwd: copy });
    expect(statSync(path.join(copy, '.local/pulumi-state')).mode & 0o777).toBe(0o700);
  });
});
