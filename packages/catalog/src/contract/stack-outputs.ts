import { z } from 'zod';

/**
 * What every stack exports for the pipeline, whatever its target: the program of each target
 * returns it, the pipeline reads it through parseStackOutputs. Targets may export more (AWS its
 * platform, local its log files); the pipeline reads nothing else.
 */

/** What a stack reports running of one service. The local target runs the working tree's bundle, so it names no image. */
export const runningReleaseSchema = z.object({
  version: z.string().min(1),
  image: z.string().min(1).optional(),
  commit: z.string().optional(),
});

export type RunningRelease = z.infer<typeof runningReleaseSchema>;

export const STACK_TARGETS = ['aws', 'local'] as const;

export const stackOutputsSchema = z.looseObject({
  target: z.enum(STACK_TARGETS),
  /**
   * Service → base URL where it answers (its health paths hang below it), for every catalog service.
   * A public service's is its public URL; an internal cloud service's is its in-cluster URL.
   */
  endpoints: z.record(z.string(), z.url()),
  /** Service → what the stack runs of it: the drift check compares this with git's msa:releases. */
  releases: z.record(z.string(), runningReleaseSchema),
  /**
   * The stack's identity provider when it is a Cognito user pool (the AWS target): what a client
   * signs in against. A local stack's dev issuer keeps its key on the machine instead (no output).
   */
  identity: z.object({ issuer: z.url(), clientId: z.string().min(1), userPoolId: z.string().min(1) }).optional(),
});

export type StackOutputs = z.infer<typeof stackOutputsSchema>;

export class StackOutputsError extends Error {
  constructor(stack: string, problems: string[]) {
    super(`Stack "${stack}" does not export the stack contract (target, endpoints, releases):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StackOutputsError';
  }
}

/** Parses what `pulumi stack output --json` printed; every problem names the output key. */
export function parseStackOutputs(raw: unknown, stack: string): StackOutputs {
  const result = stackOutputsSchema.safeParse(raw);
  if (!result.success) {
    throw new StackOutputsError(stack, result.error.issues.map((i) => `${i.path.join('.') || '(outputs)'}: ${i.message}`));
  }
  return result.data;
}

/** The services of `names` that the outputs give no endpoint: empty when the stack meets the contract for them. */
export function missingEndpoints(outputs: StackOutputs, names: readonly string[]): string[] {
  return names.filter((n) => !outputs.endpoints[n]);
}
