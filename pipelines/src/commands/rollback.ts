import type { PipelineContext } from '../context.ts';
import { applyReleases, type ApplyOutcome } from '../release/apply.ts';
import { releaseStore } from '../release/state.ts';
import { sameArtifact } from '../stacks/release.ts';

export interface RollbackOptions {
  service: string;
  env: string;
  /** A version or commit to go back to; default: the last release that passed before the current one. */
  to?: string;
}

/** Puts back a release that passed in this stack before. */
export async function rollbackCommand(ctx: PipelineContext, opts: RollbackOptions): Promise<ApplyOutcome> {
  ctx.catalog().byName(opts.service);
  const state = await releaseStore(ctx).read(opts.env);
  const current = state.releases[opts.service];
  const passed = state.records.filter((r) => r.service === opts.service && r.result === 'passed' && r.kind !== 'smoke' && r.kind !== 'test');
  const candidates = passed.filter((r) => !sameArtifact(r.release, current)).reverse();
  const target = opts.to
    ? candidates.find((r) => r.release.version === opts.to || r.release.commit.startsWith(opts.to!))
    : candidates[0];
  if (!target) {
    const known = [...new Set(candidates.map((r) => r.release.version))].join(', ') || 'none';
    throw new Error(
      `No release of ${opts.service} to roll back to in ${opts.env}${opts.to ? ` matching "${opts.to}"` : ''}: releases that passed there before: ${known}`,
    );
  }
  ctx.log(`${opts.env}: rolling ${opts.service} back from ${current?.version ?? '(none)'} to ${target.release.version}`);
  return applyReleases(ctx, opts.env, [{ service: opts.service, release: target.release }], { kind: 'rollback' });
}
