import { z } from 'zod';
import { releaseSchema, sameArtifact, type Release } from '../stacks/release.ts';

/**
 * What happened in a stack, one JSON line per event, kept in git with the stack's release state
 * (log.jsonl on the branch deployments/<stack>, see release/store.ts). The releases say what a
 * stack should run; this log says what was tried there and whether it passed its smoke test and
 * its stage tests, so `promote` can check that an artifact really ran in the previous stage. It
 * lives in git (not in Pulumi's state) so it survives a rebuilt backend.
 */
export const deploymentRecordSchema = z.object({
  at: z.string(),
  stack: z.string(),
  service: z.string(),
  release: releaseSchema,
  // `verify` is what logs written before the smoke command got its name call a smoke test.
  // `test`: the stage's black-box tests of the deployed services (stage-test/).
  kind: z.enum(['deploy', 'promote', 'rollback', 'smoke', 'test', 'verify']).transform((k) => (k === 'verify' ? 'smoke' : k)),
  result: z.enum(['passed', 'failed', 'rolled-back']),
  /** For a promotion: the stack it came from. */
  from: z.string().optional(),
  detail: z.string().optional(),
});

export type DeploymentRecord = z.infer<typeof deploymentRecordSchema>;

export function parseDeploymentLog(text: string, where: string): DeploymentRecord[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => {
      const r = deploymentRecordSchema.safeParse(JSON.parse(line));
      if (!r.success) throw new Error(`${where}:${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      return r.data;
    });
}

/** The last record of a service in a stack that passed. */
export function lastPassed(records: DeploymentRecord[], service: string): DeploymentRecord | undefined {
  return records.filter((r) => r.service === service && r.result === 'passed').at(-1);
}

/** Did this exact artifact pass in the stack, with no later failure of it there (a failed smoke test)? */
export function passedThere(records: DeploymentRecord[], service: string, release: Release): DeploymentRecord | undefined {
  const last = records.filter((r) => r.service === service && sameArtifact(r.release, release)).at(-1);
  return last?.result === 'passed' ? last : undefined;
}
