import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PipelineContext } from '../context.ts';
import { PREVIEW_STACK } from '../stacks/chain.ts';
import { stackFileName } from '@msa/catalog';
import { tail } from '@msa/stack-driver';
import { releaseStore } from '../release/state.ts';

/** Destroys a clone's resources, removes its stack, its config file and its release state. Stages of the chain are refused. */
export async function destroyEnvCommand(ctx: PipelineContext, opts: { stack: string }): Promise<void> {
  if (ctx.chain.includes(opts.stack) || !PREVIEW_STACK.test(opts.stack)) {
    throw new Error(`Refusing to destroy ${opts.stack}: only clones (pr-<n>, preview-<name>, rehearsal-<name>) are destroyed by the pipeline`);
  }
  if (await ctx.pulumi.stackExists(opts.stack)) {
    const r = await ctx.pulumi.destroy(opts.stack);
    if (r.exitCode !== 0) throw new Error(`pulumi destroy of ${opts.stack} failed:\n${tail(r)}`);
    await ctx.pulumi.removeStack(opts.stack);
    ctx.log(`${opts.stack}: destroyed and removed`);
  } else {
    ctx.log(`${opts.stack}: no such stack in the backend`);
  }
  const file = path.join(ctx.root, stackFileName(opts.stack));
  if (existsSync(file)) rmSync(file);
  await releaseStore(ctx).remove(opts.stack);
}
