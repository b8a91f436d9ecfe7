import type { PipelineContext } from '../context.ts';
import { readBuildRecord } from '../records/builds.ts';
import { passedThere, type DeploymentRecord } from '../records/deployments.ts';
import { applyReleases, type ApplyOutcome, type ReleaseChange } from '../release/apply.ts';
import { releaseStore } from '../release/state.ts';
import { promotionRefusal } from '../stacks/chain.ts';
import { sameArtifact, type Release, type Releases } from '../stacks/release.ts';
import { describeRunning, readStackOutputs, runningReleases, runsRelease } from '../stacks/running.ts';

export interface PromoteOptions {
  /** One service, or every service with `all`. */
  service?: string;
  all?: boolean;
  from: string;
  to: string;
  /**
   * Pin the promotion to the build of this commit (the run's own build record): the previous
   * stage must run exactly that artifact, or nothing moves. Without it, whatever `from` runs moves.
   */
  buildCommit?: string;
}

export class PromotionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromotionRefused';
  }
}

/**
 * Moves the exact artifact (by digest) that passed in `from` into the next stage `to`.
 * Refused with the reason: a stack that does not follow, a skipped stage, nothing released,
 * a release that never passed there, or a stack whose state differs from what git says.
 */
export async function promoteCommand(ctx: PipelineContext, opts: PromoteOptions): Promise<ApplyOutcome | undefined> {
  const refusal = promotionRefusal(ctx.chain, opts.from, opts.to);
  if (refusal) throw new PromotionRefused(`Promotion refused: ${refusal}`);
  if (!opts.all && !opts.service) throw new PromotionRefused('Promotion refused: name a service or pass --all');
  if (opts.all && opts.buildCommit) throw new PromotionRefused('Promotion refused: a build pins one service; name it instead of --all');
  const catalog = ctx.catalog();
  const names = opts.all ? catalog.services.map((s) => s.name) : [catalog.byName(opts.service!).name];
  const store = releaseStore(ctx);
  const fromState = await store.read(opts.from);
  const fromReleases = fromState.releases;
  const toReleases = (await store.read(opts.to)).releases;
  const records = fromState.records;
  const running = runningReleases(await readStackOutputs(ctx, opts.from));
  const pinned = opts.buildCommit ? pinnedRelease(ctx.root, names[0]!, opts.buildCommit) : undefined;

  const changes: ReleaseChange[] = [];
  for (const name of names) {
    const release = fromReleases[name];
    if (!release) {
      if (opts.all) continue;
      throw new PromotionRefused(`Promotion refused: ${name} has no release in ${opts.from} (release state deployments/${opts.from})`);
    }
    if (pinned && !sameArtifact(release, pinned)) {
      throw new PromotionRefused(
        `Promotion refused: ${opts.from} runs ${name} ${release.version} (${release.image}, built from ${release.commit.slice(0, 10)}), not this run's build ${pinned.version} (${pinned.image}, from ${pinned.commit.slice(0, 10)}); another run released ${name} to ${opts.from} since, and that one promotes its own build`,
      );
    }
    if (!passedThere(records, name, release)) {
      throw new PromotionRefused(
        `Promotion refused: ${name} ${release.version} (${release.image}) never passed in ${opts.from}; the log of deployments/${opts.from} has no passing record of that artifact`,
      );
    }
    if (running && !runsRelease(running[name], release)) {
      const now = running[name];
      throw new PromotionRefused(
        `Promotion refused: ${opts.from} runs ${now ? describeRunning(now) : 'nothing'} for ${name}, not ${release.version} (${release.image}) as git says; the stack has drifted`,
      );
    }
    if (sameArtifact(toReleases[name], release)) {
      ctx.log(`${opts.to} already runs ${name} ${release.version}`);
      continue;
    }
    changes.push({ service: name, release: pinned ?? release });
  }
  if (opts.all) {
    const apart = notSmokeTestedTogether(records, fromReleases);
    if (apart) throw new PromotionRefused(`Promotion refused: the releases in ${opts.from} were not smoke-tested together: ${apart}; run \`pipeline smoke --all --env ${opts.from}\``);
  }
  if (changes.length === 0) {
    ctx.log(`Nothing to promote from ${opts.from} to ${opts.to}`);
    return undefined;
  }
  return applyReleases(ctx, opts.to, changes, { kind: 'promote', from: opts.from });
}

/**
 * A set is smoke-tested together when each member passed a smoke test after the last member
 * arrived in the stage: the stage's tests ran with exactly these versions side by side.
 * Returns why not, or undefined.
 */
export function notSmokeTestedTogether(records: DeploymentRecord[], releases: Releases): string | undefined {
  const arrivals = Object.entries(releases).map(([service, release]) => {
    const arrived = records.filter((r) => r.service === service && ARRIVALS.has(r.kind) && r.result === 'passed' && sameArtifact(r.release, release)).at(-1);
    return { service, release, at: arrived?.at ?? '' };
  });
  const last = arrivals.reduce((a, b) => (b.at > a.at ? b : a), arrivals[0]!);
  for (const { service, release } of arrivals) {
    const smoked = records.filter((r) => r.service === service && r.kind === 'smoke' && sameArtifact(r.release, release)).at(-1);
    if (!smoked || smoked.result !== 'passed' || smoked.at < last.at) {
      return `${service} ${release.version} has no passing smoke test since ${last.service} ${last.release.version} arrived`;
    }
  }
  return undefined;
}

const ARRIVALS = new Set<DeploymentRecord['kind']>(['deploy', 'promote', 'rollback']);

/** The release a run's build record describes: what that run, and only that run, may promote. */
function pinnedRelease(root: string, service: string, commit: string): Release {
  const build = readBuildRecord(root, service, commit);
  return { version: build.version, image: build.image, commit: build.commit };
}
