import type { PipelineContext } from '../context.ts';
import { StackConfig } from '@msa/stack-driver';
import type { Releases } from '../stacks/release.ts';
import { ReleaseStore } from './store.ts';

/** Where this run reads and writes release state: a remote (CI: --push, origin), else this repository's refs. */
export function releaseStore(ctx: PipelineContext): ReleaseStore {
  return new ReleaseStore({ root: ctx.root, ...(ctx.stateRemote ? { remote: ctx.stateRemote } : {}), env: process.env });
}

/**
 * Writes `releases` as the stack's msa:releases in the checkout's Pulumi.<stack>.yaml, which is what
 * `pulumi up` reads: the release state is read from its branch at deploy time and never committed to main.
 * Returns whether the file changed.
 */
export function materializeReleases(root: string, stack: string, releases: Releases): boolean {
  const config = StackConfig.load(root, stack);
  const before = config.text();
  for (const name of Object.keys(config.releases())) if (!releases[name]) config.setRelease(name, undefined);
  for (const [name, release] of Object.entries(releases)) config.setRelease(name, release);
  if (config.text() === before) return false;
  config.save();
  return true;
}
