import type { PipelineContext } from '../context.ts';
import { materializeReleases, releaseStore } from '../release/state.ts';
import { ReleaseStore } from '../release/store.ts';

/**
 * Writes a stack's release state (now, or at one of its state commits) into the checkout's
 * Pulumi.<stack>.yaml, so that `pulumi up` / `npm run plan` run exactly that: how an environment
 * is rebuilt as it was at any release.
 */
export async function materializeCommand(ctx: PipelineContext, opts: { env: string; at?: string }): Promise<void> {
  const store = releaseStore(ctx);
  const head = await store.head(opts.env);
  let commit = head;
  if (opts.at) {
    const known = head ? await store.git.tryRun(['merge-base', '--is-ancestor', opts.at, head]) : undefined;
    if (known === undefined) throw new Error(`${opts.at} is not a commit of ${ReleaseStore.branch(opts.env)}${head ? '' : ' (the stack has no release state yet)'}`);
    commit = opts.at;
  }
  const state = commit ? await store.readAt(opts.env, commit) : await store.read(opts.env);
  const changed = materializeReleases(ctx.root, opts.env, state.releases);
  const names = Object.entries(state.releases).map(([s, r]) => `${s} ${r.version}`).join(', ') || 'no releases';
  ctx.log(`${opts.env}: ${changed ? 'wrote' : 'already had'} ${names} (${commit ? `state ${commit.slice(0, 10)}` : 'its config seed'}) in Pulumi.${opts.env}.yaml`);
}
