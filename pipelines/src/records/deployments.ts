import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { releaseSchema, sameArtifact, type Release } from '../stacks/release.ts';

/**
 * What happened in a stack, one JSON line per event, kept in git beside the stack configs
 * (deployments/<stack>.jsonl). The config says what a stack should run; this log says what was
 * tried there and whether it passed its smoke test, so `promote` can check that an artifact
 * really ran in the previous stage. It lives in git (not in Pulumi's state) so it survives a
 * rebuilt backend and is reviewed with the release it belongs to; one line per event keeps
 * concurrent appends from different services mergeable.
 */
export const deploymentRecordSchema = z.object({
  at: z.string(),
  stack: z.string(),
  service: z.string(),
  release: releaseSchema,
  // `verify` is what logs written before the smoke command got its name call a smoke test.
  kind: z.enum(['deploy', 'promote', 'rollback', 'smoke', 'verify']).transform((k) => (k === 'verify' ? 'smoke' : k)),
  result: z.enum(['passed', 'failed', 'rolled-back']),
  /** For a promotion: the stack it came from. */
  from: z.string().optional(),
  detail: z.string().optional(),
});

export type DeploymentRecord = z.infer<typeof deploymentRecordSchema>;

export const DEPLOYMENTS_DIR = 'deployments';

export function deploymentLogPath(root: string, stack: string): string {
  return path.join(root, DEPLOYMENTS_DIR, `${stack}.jsonl`);
}

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

export function readDeployments(root: string, stack: string): DeploymentRecord[] {
  const file = deploymentLogPath(root, stack);
  if (!existsSync(file)) return [];
  return parseDeploymentLog(readFileSync(file, 'utf8'), path.relative(root, file));
}

/**
 * Two services' jobs append to one stack's log at the same time and push one after the other;
 * git's built-in union merge keeps both lines when the second rebases onto the first.
 */
export const DEPLOYMENTS_ATTRIBUTES = '*.jsonl merge=union\n';

export function appendDeployment(root: string, record: DeploymentRecord): void {
  const file = deploymentLogPath(root, record.stack);
  mkdirSync(path.dirname(file), { recursive: true });
  const attributes = path.join(path.dirname(file), '.gitattributes');
  if (!existsSync(attributes)) writeFileSync(attributes, DEPLOYMENTS_ATTRIBUTES);
  appendFileSync(file, JSON.stringify(deploymentRecordSchema.parse(record)) + '\n');
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
