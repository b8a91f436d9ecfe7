import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { PipelineContext } from '../context.ts';
import { stackFileName } from '@msa/catalog';
import { previewStackConfig, secretsProviderOf } from '@msa/infra/config';
import { cloneLocalStack, StackConfig, upWaitingForLock } from '@msa/stack-driver';
import { PREVIEW_STACK } from '../stacks/chain.ts';
import { materializeReleases, releaseStore } from '../release/state.ts';

export interface CloneOptions {
  from: string;
  to: string;
  /** Override msa:target (e.g. `local` to copy a cloud stack's releases onto this machine). */
  target?: string;
  /** Extra msa: config keys for the clone (e.g. a port offset so clones run side by side). */
  set?: Record<string, unknown>;
  /** Create the stack and run `pulumi up` (default); false only writes its config. */
  up?: boolean;
  /** Organisation part of the source stack's fully qualified name, for a cloud preview's stack reference. */
  org?: string;
}

/**
 * A reproducible copy of an environment: the same config and the same releases (by digest) as
 * `from` (its config at this commit, its release state now), under a preview name, then brought up. Preview names only, so a clone
 * can never overwrite a stage of the chain.
 */
export async function cloneEnvCommand(ctx: PipelineContext, opts: CloneOptions): Promise<StackConfig> {
  if (ctx.chain.includes(opts.to)) throw new Error(`Refusing to clone onto ${opts.to}: it is a stage of the promotion chain`);
  if (!PREVIEW_STACK.test(opts.to)) {
    throw new Error(`Clone name "${opts.to}" must look like pr-<number>, preview-<name> or rehearsal-<name>, so sweep can find and remove it`);
  }
  // What the source runs is its release state, not main's copy of its config file.
  materializeReleases(ctx.root, opts.from, (await releaseStore(ctx).read(opts.from)).releases);
  const source = StackConfig.load(ctx.root, opts.from);
  const isLocal = (c: StackConfig) => c.get('msa:target') === 'local' && c.get('msa:local') !== undefined;
  if (isLocal(source) && (opts.target ?? 'local') === 'local') return cloneLocal(ctx, opts);
  if (opts.target === 'local' && !isLocal(source)) return localCopyOf(ctx, source, opts);
  const clone = source.get('msa:target') === 'aws' && (opts.target ?? 'aws') === 'aws' ? await cloudPreview(ctx, source, opts) : source.cloneAs(ctx.root, opts.to);
  if (opts.target) clone.set('msa:target', opts.target);
  for (const [k, v] of Object.entries(opts.set ?? {})) clone.set(k.startsWith('msa:') ? k : `msa:${k}`, v);
  clone.save();
  ctx.log(`${opts.to}: cloned ${stackFileName(opts.from)} → ${stackFileName(opts.to)} (${Object.keys(clone.releases()).length} releases)`);
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
 * A local stack is cloned by the stack driver's local clone (packages/stack-driver/src/local-clone.ts):
 * it also gives the clone free ports, its own database names and topic prefix, and smoke-tests it.
 */
async function cloneLocal(ctx: PipelineContext, opts: CloneOptions): Promise<StackConfig> {
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

/**
 * A cloud stack's clone is a cheap preview (infra/src/config/preview.ts): the same releases and
 * database settings on the source's own cluster, network and Kafka through a stack reference.
 */
async function cloudPreview(ctx: PipelineContext, source: StackConfig, opts: CloneOptions): Promise<StackConfig> {
  const raw: Record<string, unknown> = {};
  for (const key of ['msa:target', 'msa:region', 'msa:kafka', 'msa:database', 'msa:ingress', 'msa:permissionsBoundary', 'msa:releases']) raw[key] = source.get(key);
  const org = opts.org ?? process.env.MSA_PULUMI_ORG ?? 'organization';
  const config = previewStackConfig(raw, { stack: opts.to, reference: `${org}/msa/${opts.from}` });
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  writeFileSync(
    path.join(ctx.root, stackFileName(opts.to)),
    `# Preview of ${opts.from}, made by \`pipeline clone-env\`: its releases on ${opts.from}'s cluster (stack reference).\n` +
      // A preview's secrets use the non-prod key whatever its source uses: the job that deploys it may not touch prod's key.
      stringify({ secretsprovider: secretsProviderOf(opts.to, String(source.get('msa:region'))), config: defined }),
  );
  return StackConfig.load(ctx.root, opts.to);
}

/**
 * A cloud stage's copy on this machine (a staging copy to debug): the local stack's settings with
 * the stage's releases, then `pulumi up` again so the clone reports those versions.
 */
async function localCopyOf(ctx: PipelineContext, source: StackConfig, opts: CloneOptions): Promise<StackConfig> {
  await cloneLocal(ctx, { ...opts, from: 'local' });
  const clone = StackConfig.load(ctx.root, opts.to);
  for (const [service, release] of Object.entries(source.releases())) clone.setRelease(service, release);
  clone.save();
  await upWaitingForLock(ctx.pulumi, opts.to, { timeoutMs: ctx.lockTimeoutMs });
  ctx.log(`${opts.to}: runs ${opts.from}'s releases on this machine`);
  return clone;
}
