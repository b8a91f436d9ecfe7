import { parseStackOutputs, type RunningRelease, type StackOutputs } from '@msa/catalog';
import type { PipelineContext } from '../context.ts';
import { sameArtifact, type Release } from './release.ts';

/** What a stack reports running for a service; the local target reports versions, not images. */
export type Running = RunningRelease;

/**
 * A stack's outputs read as the catalog's stack contract (endpoints, releases), whatever its target.
 * Undefined when the stack does not exist or was never updated; a stack that exports something else
 * stops here with the output key named.
 */
export async function readStackOutputs(ctx: PipelineContext, stack: string): Promise<StackOutputs | undefined> {
  const raw = await ctx.pulumi.outputs(stack);
  return raw === undefined ? undefined : parseStackOutputs(raw, stack);
}

/** What the stack runs, service → release, or undefined when the stack reports nothing (so callers say "unknown"). */
export function runningReleases(outputs: StackOutputs | undefined): Record<string, Running> | undefined {
  return outputs?.releases;
}

/** Does the stack run this release? By digest when the stack reports an image, else by version. */
export function runsRelease(running: Running | undefined, release: Release | undefined): boolean {
  if (!running || !release) return false;
  if (running.image) return sameArtifact(running as Release, release);
  return running.version === release.version;
}

export function describeRunning(r: Running): string {
  return r.image ? `${r.version} (${r.image})` : r.version;
}
