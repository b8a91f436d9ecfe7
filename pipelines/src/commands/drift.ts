import type { PipelineContext } from '../context.ts';
import { tail } from '@msa/stack-driver';

/**
 * Resource types whose refresh reads a secret value: a Kubernetes Secret's data, a Secrets Manager version. The drift
 * role may not read them (no Secret in its EKS access policy, no GetSecretValue), so refresh leaves them out.
 * infra/test/drift-secrets.test.ts checks this list against every type the cloud program gives secret inputs.
 */
export const SECRET_HOLDING_TYPES = ['kubernetes:core/v1:Secret', 'aws:secretsmanager/secretVersion:SecretVersion'] as const;

/** Types with secret inputs that a refresh leaves unread, because the cloud never returns them. */
export const SECRETS_NEVER_READ_BACK: Record<string, string> = {
  'aws:rds/instance:Instance': 'password: RDS DescribeDBInstances never returns the master password',
  'aws:elasticache/replicationGroup:ReplicationGroup': 'authToken: ElastiCache DescribeReplicationGroups returns only AuthTokenEnabled, never the token',
};

/** The refresh a drift check runs: compare only, fail on any change, every secret-holding resource left out. */
export function driftArgs(stack: string): string[] {
  return ['refresh', '--preview-only', '--expect-no-changes', '--diff', '--stack', stack, ...SECRET_HOLDING_TYPES.flatMap((t) => ['--exclude', `**${t}::**`])];
}

export class DriftError extends Error {
  override name = 'DriftError';
}

/**
 * Out-of-band changes to a stack's resources (a console edit, a deleted rule): `pulumi refresh --preview-only` asks each
 * provider what really exists and compares it with the state, changing nothing. Secrets stay masked (no --show-secrets).
 */
export async function driftCommand(ctx: PipelineContext, opts: { stack: string }): Promise<{ drifted: boolean; summary: string }> {
  const r = await ctx.pulumi.run(driftArgs(opts.stack));
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
