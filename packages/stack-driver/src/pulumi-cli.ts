import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.ts';

export { repoRoot };

const run = promisify(execFile);

/** The wrapper that gives every Pulumi run the project's hermetic environment (tools/pulumi/env.sh). */
export const pulumiWrapper = path.join(repoRoot, 'tools', 'pulumi', 'pulumi.sh');

export interface PulumiRunOptions {
  /** Project folder (holding Pulumi.yaml); the repository root by default. */
  cwd?: string;
  /** Extra environment, e.g. PULUMI_BACKEND_URL for an isolated state folder. */
  env?: NodeJS.ProcessEnv;
  /** Echo the CLI's output while it runs (the up/down commands); tests capture it instead. */
  stream?: boolean;
  timeoutMs?: number;
}

export class PulumiCommandError extends Error {
  override name = 'PulumiCommandError';
  readonly stdout: string;
  readonly stderr: string;
  constructor(args: string[], stdout: string, stderr: string, cause: unknown) {
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
    super(`pulumi ${args.join(' ')} failed:\n${tail}`, { cause });
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/** Runs `pulumi <args>` through the wrapper and returns its stdout. */
export async function pulumi(args: string[], options: PulumiRunOptions = {}): Promise<string> {
  const fullArgs = options.cwd ? ['--cwd', options.cwd, ...args] : args;
  const child = run('bash', [pulumiWrapper, ...fullArgs], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 10 * 60_000,
  });
  if (options.stream) {
    child.child.stdout?.pipe(process.stdout);
    child.child.stderr?.pipe(process.stderr);
  }
  try {
    return (await child).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new PulumiCommandError(args, e.stdout ?? '', e.stderr ?? '', err);
  }
}

/** `pulumi stack output --json` as an object. */
export async function stackOutputs(stack: string, options: PulumiRunOptions = {}): Promise<Record<string, unknown>> {
  return JSON.parse(await pulumi(['stack', 'output', '--json', '--show-secrets', '--stack', stack], options)) as Record<string, unknown>;
}

/** Names of the stacks in the backend for the project in `cwd`. */
export async function listStacks(options: PulumiRunOptions = {}): Promise<string[]> {
  const stacks = JSON.parse(await pulumi(['stack', 'ls', '--json'], options)) as { name: string }[];
  return stacks.map((s) => s.name);
}
