import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadCatalog, findRepoRoot } from '@msa/catalog';

// The service's own tests are Go tests; the suite runs them with the command its catalog entry
// names (runtime.test), against the real redis-server the project's setup installs.
const root = findRepoRoot(import.meta.dirname);
const service = loadCatalog(root).byName(path.basename(path.dirname(import.meta.dirname)));

describe(`${service.name}: its Go tests`, () => {
  it('pass (runtime.test, with the modules go.sum pins)', async () => {
    if (service.runtime.language !== 'go') throw new Error(`${service.name} is not a Go service`);
    const runtime = service.runtime;
    const [program, ...args] = runtime.test as [string, ...string[]];
    const run = await promisify(execFile)(program, [...args, '-count=1'], {
      cwd: service.dir,
      env: { ...process.env, GOFLAGS: '-mod=readonly' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${runtime.test.join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
    });
    // Every package with tests says ok; none failed.
    expect(run.stdout).toMatch(/^ok\s/m);
    expect(run.stdout).not.toMatch(/^(FAIL|---\s*FAIL)/m);
  }, 300_000);
});
