import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLOUD_STACKS, findRepoRoot, LOCAL_STACK, loadCatalog, missingEndpoints, type StackOutputs } from '@msa/catalog';
import { StackConfig } from '@msa/stack-driver';
import { describe, expect, it } from 'vitest';
import type { PipelineContext } from '../src/context.ts';
import { endpointOf } from '../src/smoke/smoke.ts';
import { readStackOutputs, runningReleases } from '../src/stacks/running.ts';

const ROOT = findRepoRoot(import.meta.dirname);
const catalog = loadCatalog(ROOT);

/**
 * The stack contract between infra's programs and the pipeline: the REAL program of each target runs
 * under mocks for each stack's real config, and what it exports goes through the pipeline's own
 * reader, as `pulumi stack output --json` would hand it over. The pipeline tests deploy a fixture
 * program instead; this is what keeps that fixture honest.
 */
async function exported(stack: string): Promise<unknown> {
  // In a process of its own under plain Node: the local target's dynamic providers are serialized
  // with their code, which vitest's module loader would make unserializable.
  const cli = path.join(ROOT, 'infra/offline-plan/cli.ts');
  const { stdout } = await promisify(execFile)(process.execPath, [cli, '--outputs', stack], { cwd: ROOT, maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}

/** The pipeline's reader, given what the CLI printed for the stack. */
function readByPipeline(stack: string, json: unknown): Promise<StackOutputs | undefined> {
  const ctx = { pulumi: { outputs: async (s: string) => (s === stack ? (json as Record<string, unknown>) : undefined) } } as unknown as PipelineContext;
  return readStackOutputs(ctx, stack);
}

const names = catalog.services.map((s) => s.name);

describe('every stack exports the stack contract the pipeline reads', () => {
  for (const stack of CLOUD_STACKS) {
    it(`${stack} (AWS program): an endpoint for every catalog service, the releases as applied`, async () => {
      const outputs = await readByPipeline(stack, await exported(stack));
      expect(outputs?.target).toBe('aws');
      expect(missingEndpoints(outputs!, names)).toEqual([]);
      for (const s of catalog.services) {
        const url = new URL(endpointOf(outputs, s.name)!);
        // The public API at its public host over TLS; the others at their Service inside the cluster.
        if (s.public) expect(url.href).toBe(`https://${(StackConfig.load(ROOT, stack).get('msa:ingress') as { host: string }).host}/`);
        else expect(url.hostname).toBe(`${s.name}.${s.name}.svc.cluster.local`);
      }
      expect(runningReleases(outputs)).toEqual(StackConfig.load(ROOT, stack).releases());
    }, 120_000);
  }

  it(`${LOCAL_STACK} (local program): an endpoint for every catalog service on loopback, the version each runs`, async () => {
    const outputs = await readByPipeline(LOCAL_STACK, await exported(LOCAL_STACK));
    expect(outputs?.target).toBe('local');
    expect(missingEndpoints(outputs!, names)).toEqual([]);
    for (const s of catalog.services) expect(new URL(endpointOf(outputs, s.name)!).hostname).toBe('127.0.0.1');
    expect(Object.keys(runningReleases(outputs) ?? {}).sort()).toEqual([...names].sort());
  }, 120_000);

  it('a stack whose outputs lack endpoints is refused by name, before any smoke test', async () => {
    const json = (await exported('dev')) as Record<string, unknown>;
    delete json.endpoints;
    await expect(readByPipeline('dev', json)).rejects.toThrow(/Stack "dev" does not export the stack contract[\s\S]*endpoints/);
  }, 120_000);
});
