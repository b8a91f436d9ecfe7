import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PipelineContext } from '../context.ts';
import { Git } from '../git/git.ts';
import { renderTable } from '../output/table.ts';
import { deploymentLogPath } from '../records/deployments.ts';
import { buildCommand } from './build.ts';
import { cloneEnvCommand } from './clone-env.ts';
import { deployCommand } from './deploy.ts';
import { destroyEnvCommand } from './destroy-env.ts';
import { promoteCommand } from './promote.ts';
import { smokeCommand } from './smoke.ts';

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
 * then build once → deploy to the first → smoke → promote → smoke ... → last, with the
 * lead time of each step printed.
 */
export async function rehearseCommand(ctx: PipelineContext, opts: RehearseOptions): Promise<StageTiming[]> {
  const source = opts.source ?? 'local';
  const chain = ctx.chain.map((s) => `rehearsal-${s}`);
  // The stand-ins are clones for the real chain (made and destroyed as such) and the chain itself
  // for the rehearsal's deploys and promotions. Nothing is committed.
  const outer: PipelineContext = { ...ctx, commit: false, push: false };
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
    await timed('-', 'build', () => buildCommand(rctx, { service: opts.service }));
    await timed(chain[0]!, 'deploy', () => deployCommand(rctx, { service: opts.service, env: chain[0]! }));
    await timed(chain[0]!, 'smoke', () => smokeCommand(rctx, { service: opts.service, env: chain[0]! }));
    for (let i = 1; i < chain.length; i++) {
      await timed(chain[i]!, 'promote', () => promoteCommand(rctx, { service: opts.service, from: chain[i - 1]!, to: chain[i]! }));
      await timed(chain[i]!, 'smoke', () => smokeCommand(rctx, { service: opts.service, env: chain[i]! }));
    }
  } finally {
    if (!opts.keep) {
      for (const stage of chain) {
        await destroyEnvCommand(outer, { stack: stage }).catch((e: Error) => ctx.log(`rehearsal: cleaning ${stage} failed: ${e.message}`));
        rmSync(deploymentLogPath(ctx.root, stage), { force: true });
      }
      // Leave no trace: drop the log folder if the rehearsal made it (nothing of it is in git).
      const logs = path.dirname(deploymentLogPath(ctx.root, chain[0]!));
      const tracked = await new Git(ctx.root).run(['ls-files', '--', path.relative(ctx.root, logs)]);
      if (existsSync(logs) && tracked.trim() === '' && readdirSync(logs).every((f) => f === '.gitattributes')) rmSync(logs, { recursive: true });
    }
    if (timings.length > 0) ctx.log(renderLeadTimes(opts.service, timings));
  }
  return timings;
}

export function renderLeadTimes(service: string, timings: StageTiming[]): string {
  const total = timings.filter((t) => !t.step.startsWith('clone')).reduce((a, t) => a + t.ms, 0);
  return (
    `Rehearsal of ${service}: lead time ${(total / 1000).toFixed(1)} s from build to the last stage\n` +
    renderTable(['stage', 'step', 'seconds'], timings.map((t) => [t.stage, t.step, (t.ms / 1000).toFixed(2)]))
  );
}
