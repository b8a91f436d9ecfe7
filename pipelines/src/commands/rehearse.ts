import path from 'node:path';
import type { PipelineContext } from '../context.ts';
import { Git } from '../git/git.ts';
import { renderTable } from '../output/table.ts';
import { buildCommand } from './build.ts';
import { cloneEnvCommand } from './clone-env.ts';
import { deployCommand } from './deploy.ts';
import { destroyEnvCommand } from './destroy-env.ts';
import { promoteCommand } from './promote.ts';
import { smokeCommand } from './smoke.ts';
import { stageTestCommand } from './stage-test.ts';

export interface RehearseOptions {
  service: string;
  /** The stack every stand-in stage is cloned from (the `local` stack on this machine). */
  source?: string;
  /** Keep the stand-in stacks afterwards (default: destroy them). */
  keep?: boolean;
  /** Config each stand-in stage gets on top of the clone (e.g. its own port offset). */
  stageConfig?: (stage: string, index: number) => Record<string, unknown>;
}

export interface StageTiming {
  stage: string;
  step: string;
  ms: number;
}

/**
 * The whole chain on this machine for one service: local clones stand in for every stage,
 * then build once → deploy to the first → smoke → stage tests → promote (pinned to this build) →
 * smoke → stage tests ... → last, with the time of each step and each stage printed.
 */
export async function rehearseCommand(ctx: PipelineContext, opts: RehearseOptions): Promise<StageTiming[]> {
  const source = opts.source ?? 'local';
  const chain = ctx.chain.map((s) => `rehearsal-${s}`);
  // The stand-ins are clones for the real chain (made and destroyed as such) and the chain itself
  // for the rehearsal's deploys and promotions. Their release state stays in this repository's
  // refs (deployments/rehearsal-*) and goes with them.
  const outer: PipelineContext = { ...ctx, commit: false, push: false, stateRemote: undefined };
  const rctx: PipelineContext = { ...outer, chain };
  const timings: StageTiming[] = [];
  const timed = async <T>(stage: string, step: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const out = await run();
    timings.push({ stage, step, ms: Date.now() - started });
    return out;
  };
  // Fail before cloning anything when the build could not run.
  const dir = path.relative(ctx.root, ctx.catalog().byName(opts.service).dir);
  if (!(await new Git(ctx.root).isClean([dir]))) throw new Error(`${dir} has uncommitted changes; a build is named by its commit, so commit them first`);
  try {
    for (const [i, stage] of chain.entries()) {
      await timed(stage, `clone ${source}`, () => cloneEnvCommand(outer, { from: source, to: stage, set: opts.stageConfig?.(stage, i) ?? {} }));
    }
    const build = await timed('-', 'build', () => buildCommand(rctx, { service: opts.service }));
    await timed(chain[0]!, 'deploy', () => deployCommand(rctx, { service: opts.service, env: chain[0]!, commit: build.commit }));
    await timed(chain[0]!, 'smoke', () => smokeCommand(rctx, { service: opts.service, env: chain[0]! }));
    await timed(chain[0]!, 'stage tests', () => stageTestCommand(rctx, { env: chain[0]! }));
    for (let i = 1; i < chain.length; i++) {
      await timed(chain[i]!, 'promote', () => promoteCommand(rctx, { service: opts.service, from: chain[i - 1]!, to: chain[i]!, buildCommit: build.commit }));
      await timed(chain[i]!, 'smoke', () => smokeCommand(rctx, { service: opts.service, env: chain[i]! }));
      await timed(chain[i]!, 'stage tests', () => stageTestCommand(rctx, { env: chain[i]! }));
    }
  } finally {
    if (!opts.keep) {
      for (const stage of chain) {
        await destroyEnvCommand(outer, { stack: stage }).catch((e: Error) => ctx.log(`rehearsal: cleaning ${stage} failed: ${e.message}`));
      }
    }
    if (timings.length > 0) ctx.log(renderLeadTimes(opts.service, timings));
  }
  return timings;
}

export function renderLeadTimes(service: string, timings: StageTiming[]): string {
  const total = timings.filter((t) => !t.step.startsWith('clone')).reduce((a, t) => a + t.ms, 0);
  // Each stage's time: what it took to put the build there and test it (its clone not counted).
  const stages = [...new Set(timings.map((t) => t.stage))].filter((s) => s !== '-');
  const perStage = stages.map((stage) => {
    const steps = timings.filter((t) => t.stage === stage && !t.step.startsWith('clone'));
    return [stage, steps.map((t) => t.step).join(', '), (steps.reduce((a, t) => a + t.ms, 0) / 1000).toFixed(2)];
  });
  return (
    `Rehearsal of ${service}: lead time ${(total / 1000).toFixed(1)} s from build to the last stage\n` +
    renderTable(['stage', 'step', 'seconds'], timings.map((t) => [t.stage, t.step, (t.ms / 1000).toFixed(2)])) +
    `\nTime per stage\n` +
    renderTable(['stage', 'steps', 'seconds'], perStage)
  );
}
