import type { PipelineContext } from '../context.ts';
import { Git } from '../git/git.ts';
import { readBuildRecord } from '../records/builds.ts';
import { applyReleases, type ApplyOutcome } from '../release/apply.ts';
import { releaseSchema, type Release } from '../stacks/release.ts';

export interface DeployOptions {
  service: string;
  env: string;
  /** The commit whose build to deploy (default: HEAD). */
  commit?: string;
}

/**
 * Puts a built artifact into a stack: the first stage of the chain, or a preview/debug clone.
 * Later stages only receive what passed before them, through `promote`.
 */
export async function deployCommand(ctx: PipelineContext, opts: DeployOptions): Promise<ApplyOutcome> {
  ctx.catalog().byName(opts.service);
  const first = ctx.chain[0];
  if (ctx.chain.includes(opts.env) && opts.env !== first) {
    throw new Error(
      `Refusing to deploy a build straight to ${opts.env}: only ${first} takes new builds; ${opts.env} gets what passed before it (pipeline promote ${opts.service} --from <previous stage> --to ${opts.env})`,
    );
  }
  const commit = await new Git(ctx.root).revParse(opts.commit ?? 'HEAD');
  const build = readBuildRecord(ctx.root, opts.service, commit);
  const release: Release = releaseSchema.parse({ version: build.version, image: build.image, commit: build.commit });
  return applyReleases(ctx, opts.env, [{ service: opts.service, release }], { kind: 'deploy' });
}
