import type { PipelineContext } from '../context.ts';
import { Git } from '../git/git.ts';
import { latestBuildRecords, readBuildRecord, type BuildRecord } from '../records/builds.ts';
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
  const build = await findBuild(ctx, opts.service, opts.commit);
  const release: Release = releaseSchema.parse({ version: build.version, image: build.image, commit: build.commit });
  return applyReleases(ctx, opts.env, [{ service: opts.service, release }], { kind: 'deploy' });
}

/**
 * The build to deploy: the one of the given commit, or of HEAD, or else the newest build HEAD
 * contains (release-state commits move HEAD without changing any service).
 */
async function findBuild(ctx: PipelineContext, service: string, commit: string | undefined): Promise<BuildRecord> {
  const git = new Git(ctx.root);
  const head = await git.revParse(commit ?? 'HEAD');
  if (commit) return readBuildRecord(ctx.root, service, head);
  for (const record of latestBuildRecords(ctx.root, service)) {
    if (record.commit === head) return record;
    if ((await git.tryRun(['merge-base', '--is-ancestor', record.commit, head])) !== undefined) {
      ctx.log(`deploying the build of ${record.commit.slice(0, 10)}, the newest build of ${service} that HEAD contains`);
      return record;
    }
  }
  return readBuildRecord(ctx.root, service, head); // says which build is missing
}
