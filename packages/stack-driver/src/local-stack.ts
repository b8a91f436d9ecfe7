import { parseStackOutputs, type StackOutputs } from '@msa/catalog';
import { pulumi, stackOutputs, type PulumiRunOptions } from './pulumi-cli.ts';

/** Selects the stack, creating it in the local backend the first time (its config is Pulumi.<stack>.yaml). */
export async function ensureStack(stack: string, options: PulumiRunOptions = {}): Promise<void> {
  await pulumi(['stack', 'select', '--create', stack, '--non-interactive'], options);
}

/** `pulumi up` without the separate preview pass (the engine still diffs every resource). */
export async function upStack(stack: string, options: PulumiRunOptions = {}): Promise<string> {
  await ensureStack(stack, options);
  return pulumi(['up', '--yes', '--skip-preview', '--non-interactive', '--stack', stack], options);
}

export async function refreshStack(stack: string, options: PulumiRunOptions = {}): Promise<string> {
  return pulumi(['refresh', '--yes', '--skip-preview', '--non-interactive', '--stack', stack], options);
}

/**
 * Destroys every resource of the stack; with `remove`, also removes the stack from the backend and
 * its Pulumi.<stack>.yaml (for clones, which exist only as long as their pull request).
 */
export async function destroyStack(stack: string, options: PulumiRunOptions & { remove?: boolean } = {}): Promise<string> {
  const out = await pulumi(['destroy', '--yes', '--skip-preview', '--non-interactive', '--stack', stack], options);
  if (options.remove) await pulumi(['stack', 'rm', '--yes', '--force', '--stack', stack], options);
  return out;
}

/** True when the backend knows the stack. */
export async function stackExists(stack: string, options: PulumiRunOptions = {}): Promise<boolean> {
  const stacks = JSON.parse(await pulumi(['stack', 'ls', '--json'], options)) as { name: string }[];
  return stacks.some((s) => s.name === stack || s.name.endsWith(`/${stack}`));
}

/** A local stack's outputs: the stack contract, and where each process, database and topic is. */
export type LocalStackOutputs = StackOutputs & {
  services: Record<string, { url: string; replicas: number; version: string; pid: number; log: string }>;
  databases: Record<string, string>;
  topics: Record<string, string>;
  topicPrefix: string;
};

export async function localOutputs(stack: string, options: PulumiRunOptions = {}): Promise<LocalStackOutputs> {
  return parseStackOutputs(await stackOutputs(stack, options), stack) as LocalStackOutputs;
}

/** Waits until every URL answers `path` with 2xx (the stack's `up` already waited once; this re-checks). */
export async function waitHealthy(urls: string[], path: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(urls);
  while (pending.size > 0) {
    for (const url of [...pending]) {
      const ok = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(2_000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) pending.delete(url);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs / 1000}s: ${[...pending].join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The lines `npm run up` ends with: where each service answers. */
export function formatUrls(stack: string, outputs: LocalStackOutputs): string {
  const rows = Object.entries(outputs.services).map(
    ([name, s]) => `  ${name.padEnd(12)} ${s.url.padEnd(26)} v${s.version}  x${s.replicas}  log ${s.log}`,
  );
  return [`Stack ${stack} is up:`, ...rows, `More: npm run pulumi -- stack output --stack ${stack} --show-secrets`].join('\n');
}
