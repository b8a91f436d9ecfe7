import type { PipelineContext } from '../context.ts';
import { passedThere, readDeployments } from '../records/deployments.ts';
import { applyReleases, type ApplyOutcome, type ReleaseChange } from '../release/apply.ts';
import { promotionRefusal } from '../stacks/chain.ts';
import { StackConfig, stackConfigFile } from '../stacks/config.ts';
import { sameArtifact } from '../stacks/release.ts';
import { describeRunning, runningReleases, runsRelease } from '../stacks/running.ts';

export interface PromoteOptions {
  /** One service, or every service with `all`. */
  service?: string;
  all?: boolean;
  from: string;
  to: string;
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
  const catalog = ctx.catalog();
  const names = opts.all ? catalog.services.map((s) => s.name) : [catalog.byName(opts.service!).name];
  const fromReleases = StackConfig.load(ctx.root, opts.from).releases();
  const toReleases = StackConfig.load(ctx.root, opts.to).releases();
  const records = readDeployments(ctx.root, opts.from);
  const running = runningReleases(await ctx.pulumi.outputs(opts.from));

  const changes: ReleaseChange[] = [];
  for (const name of names) {
    const release = fromReleases[name];
    if (!release) {
      if (opts.all) continue;
      throw new PromotionRefused(`Promotion refused: ${name} has no release in ${opts.from} (${stackConfigFile(opts.from)} msa:releases.${name})`);
    }
    if (!passedThere(records, name, release)) {
      throw new PromotionRefused(
        `Promotion refused: ${name} ${release.version} (${release.image}) never passed in ${opts.from}; deployments/${opts.from}.jsonl has no passing record of that artifact`,
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
    changes.push({ service: name, release });
  }
  if (changes.length === 0) {
    ctx.log(`Nothing to promote from ${opts.from} to ${opts.to}`);
    return undefined;
  }
  return applyReleases(ctx, opts.to, changes, { kind: 'promote', from: opts.from });
}
