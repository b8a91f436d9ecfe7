import type { PipelineContext } from '../context.ts';
import { tail } from '@msa/stack-driver';

export class DriftError extends Error {
  override name = 'DriftError';
}

/**
 * Out-of-band changes to a stack's resources (a console edit, a deleted rule): `pulumi refresh --preview-only` asks each
 * provider what really exists and compares it with the state, changing nothing. Secrets stay masked (no --show-secrets).
 */
export async function driftCommand(ctx: PipelineContext, opts: { stack: string }): Promise<{ drifted: boolean; summary: string }> {
  const r = await ctx.pulumi.run(['refresh', '--preview-only', '--expect-no-changes', '--diff', '--stack', opts.stack]);
  const summary = tail(r, 40);
  if (r.exitCode === 0) {
    ctx.log(`${opts.stack}: no drift`);
    return { drifted: false, summary };
  }
  // --expect-no-changes exits non-zero both for changes and for a failed refresh; the output says which.
  if (/error: no changes were expected but changes were proposed/i.test(`${r.stdout}\n${r.stderr}`)) {
    throw new DriftError(`${opts.stack} drifted from its state (changed outside Pulumi):\n${summary}`);
  }
  throw new Error(`pulumi refresh --preview-only of ${opts.stack} failed:\n${summary}`);
}
