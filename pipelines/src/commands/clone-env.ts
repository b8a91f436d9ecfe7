import type { PipelineContext } from '../context.ts';
import { upWaitingForLock } from '../pulumi/lock.ts';
import { PREVIEW_STACK } from '../stacks/chain.ts';
import { StackConfig, stackConfigFile } from '../stacks/config.ts';

export interface CloneOptions {
  from: string;
  to: string;
  /** Override msa:target (e.g. `local` to copy a cloud stack's releases onto this machine). */
  target?: string;
  /** Extra msa: config keys for the clone (e.g. a port offset so clones run side by side). */
  set?: Record<string, unknown>;
  /** Create the stack and run `pulumi up` (default); false only writes its config. */
  up?: boolean;
}

/**
 * A reproducible copy of an environment: the same config and the same releases (by digest) as
 * `from` at this commit, under a preview name, then brought up. Preview names only, so a clone
 * can never overwrite a stage of the chain.
 */
export async function cloneEnvCommand(ctx: PipelineContext, opts: CloneOptions): Promise<StackConfig> {
  if (ctx.chain.includes(opts.to)) throw new Error(`Refusing to clone onto ${opts.to}: it is a stage of the promotion chain`);
  if (!PREVIEW_STACK.test(opts.to)) {
    throw new Error(`Clone name "${opts.to}" must look like pr-<number>, preview-<name> or rehearsal-<name>, so sweep can find and remove it`);
  }
  const source = StackConfig.load(ctx.root, opts.from);
  if (source.get('msa:target') === 'local' && source.get('msa:local') !== undefined && (opts.target ?? 'local') === 'local') {
    return cloneLocal(ctx, opts);
  }
  const clone = source.cloneAs(ctx.root, opts.to);
  if (opts.target) clone.set('msa:target', opts.target);
  for (const [k, v] of Object.entries(opts.set ?? {})) clone.set(k.startsWith('msa:') ? k : `msa:${k}`, v);
  clone.save();
  ctx.log(`${opts.to}: cloned ${stackConfigFile(opts.from)} → ${stackConfigFile(opts.to)} (${Object.keys(clone.releases()).length} releases)`);
  if (opts.up !== false) {
    await ctx.pulumi.ensureStack(opts.to);
    await upWaitingForLock(ctx.pulumi, opts.to, {
      timeoutMs: ctx.lockTimeoutMs,
      onWaiting: ({ holder }) => ctx.log(`${opts.to}: waiting for the stack's lock (${holder})`),
    });
    ctx.log(`${opts.to}: up`);
  }
  return clone;
}

/**
 * A local stack is cloned by the local target's own clone (infra/src/local/clone.ts): it also
 * gives the clone free ports, its own database names and topic prefix, and smoke-tests it.
 */
async function cloneLocal(ctx: PipelineContext, opts: CloneOptions): Promise<StackConfig> {
  const { cloneLocalStack } = await import('@msa/infra/src/local/clone.ts');
  const report = await cloneLocalStack({ source: opts.from, target: opts.to, root: ctx.root, env: ctx.pulumi.env, stream: false });
  for (const [k, v] of Object.entries(opts.set ?? {})) {
    const cfg = StackConfig.load(ctx.root, opts.to);
    cfg.set(k.startsWith('msa:') ? k : `msa:${k}`, v);
    cfg.save();
  }
  ctx.log(
    `${opts.to}: cloned local stack ${opts.from} (ports +${report.portOffset}, names ${report.namePrefix}*, topics ${report.topicPrefix}*) in ${(report.seconds.configure + report.seconds.up + report.seconds.smoke).toFixed(1)} s`,
  );
  return StackConfig.load(ctx.root, opts.to);
}
