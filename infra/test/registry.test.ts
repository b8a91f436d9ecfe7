import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Capture } from '../offline-plan/capture.ts';
import { settle } from '../offline-plan/capture.ts';
import { CLOUD_STACKS, capture, catalog, ofType, stackConfig } from './support.ts';

const REPOSITORY = 'aws:ecr/repository:Repository';

describe('one image registry for every stage, which no environment can delete', () => {
  let registry: Capture;
  let urls: Record<string, string>;
  beforeAll(async () => {
    registry = await capture('registry');
    if (registry.error) throw registry.error;
    urls = (await settle((registry.outputs as { repositories: Record<string, pulumi.Output<string>> }).repositories)) as Record<string, string>;
  });

  it('holds one repository per catalog service, msa/<service>, protected, immutable, and refusing deletion while it holds images', () => {
    const repos = ofType(registry, REPOSITORY);
    expect(repos.map((r) => r.inputs.name).sort()).toEqual(catalog.services.map((s) => `msa/${s.name}`).sort());
    for (const r of repos) {
      expect(r.protect, r.name).toBe(true);
      expect(r.inputs).toMatchObject({ forceDelete: false, imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } });
    }
    // Only layers nobody tagged expire; a promoted image is tagged by its commit and stays.
    for (const p of ofType(registry, 'aws:ecr/lifecyclePolicy:LifecyclePolicy')) {
      expect(JSON.parse(p.inputs.policy).rules.map((r: { selection: { tagStatus: string } }) => r.selection.tagStatus)).toEqual(['untagged']);
    }
  });

  it.each(CLOUD_STACKS)('%s creates no repository of its own and runs every release from the shared registry', async (stack) => {
    const c = await capture(stack);
    expect(ofType(c, REPOSITORY)).toEqual([]);
    const releases = stackConfig(stack)['msa:releases'] as Record<string, { image: string }>;
    for (const s of catalog.services) {
      const repository = releases[s.name]!.image.replace(/(@sha256:[0-9a-f]{64}|:[\w.-]+)$/, '');
      expect(repository, `${stack} ${s.name}`).toBe(urls[s.name]);
    }
  });
});
