import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { artifactDigest, storeArtifact, storedArtifactDir } from '@msa/service-kit/artifact';
import { afterAll, describe, expect, it } from 'vitest';
import { StackConfigError } from '../../src/config/errors.ts';
import { localArtifacts } from '../../src/targets/local/artifacts.ts';
import { localStackConfigSchema } from '../../src/targets/local/config.ts';
import { resolveLocalStack } from '../../src/targets/local/spec.ts';

const root = findRepoRoot(import.meta.dirname);
const catalog = loadCatalog(root);
// A store of its own: what `pipeline build` leaves in <root>/.local/artifacts.
const store = mkdtempSync(path.join(tmpdir(), 'msa-artifacts-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

const configWith = (releases: Record<string, unknown>) =>
  localStackConfigSchema.parse({ target: 'local', local: { portOffset: 10000 }, releases });

describe('what a local stack runs', () => {
  const order = catalog.byName('order');

  it('a release naming a digest runs the stored artifact with that digest; the others run their working tree build', async () => {
    const stored = storeArtifact(store, 'order', order.dir);
    const config = configWith({ order: { version: '1.0.0', image: `local/msa/order@${stored.digest}`, commit: 'abc1234' } });
    const artifacts = await localArtifacts('local-x', config, catalog, store);
    expect(artifacts.order).toEqual({ digest: stored.digest, dir: storedArtifactDir(store, 'order', stored.digest) });
    for (const s of catalog.services.filter((x) => x.name !== 'order')) {
      expect(artifacts[s.name]).toEqual({ digest: artifactDigest(s.dir).digest, dir: s.dir });
    }
    const plan = resolveLocalStack('local-x', config, catalog, root, artifacts);
    const planned = plan.services.find((s) => s.name === 'order')!;
    expect(planned.entry).toBe(path.join(stored.dir, 'dist', 'main.mjs'));
    expect(planned.artifact).toBe(stored.digest);
  });

  it('refuses a release whose artifact is not on this machine, naming the key and the stack, before anything runs', async () => {
    const missing = `sha256:${'0'.repeat(64)}`;
    const config = configWith({ order: { version: '1.0.0', image: `local/msa/order@${missing}`, commit: 'abc1234' } });
    const run = localArtifacts('local-x', config, catalog, store);
    await expect(run).rejects.toThrow(StackConfigError);
    await expect(run).rejects.toThrow(/Pulumi\.local-x\.yaml[\s\S]*msa:releases\.order\.image: no artifact sha256:0{64} of order on this machine/);
  });

  it('refuses a stored artifact whose bytes no longer match its digest', async () => {
    const stored = storeArtifact(store, 'order', order.dir);
    appendFileSync(path.join(stored.dir, 'dist', 'main.mjs'), '\n// edited after the build\n');
    const config = configWith({ order: { version: '1.0.0', image: `local/msa/order@${stored.digest}`, commit: 'abc1234' } });
    await expect(localArtifacts('local-x', config, catalog, store)).rejects.toThrow(/msa:releases\.order\.image: .* holds sha256:[0-9a-f]{64}, not sha256:/);
  });
});
