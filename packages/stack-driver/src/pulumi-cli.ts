import { Pulumi, TOOLS_ROOT, tail } from './pulumi.ts';

/** The repository root (the project folder holding Pulumi.yaml), found from this file. */
export const repoRoot = TOOLS_ROOT;

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
  constructor(args: string[], stdout: string, stderr: string) {
    super(`pulumi ${args.join(' ')} failed:\n${tail({ stdout, stderr, exitCode: 1 }, 40)}`);
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/**
 * `pulumi <args>` for the local commands and tests: the same CLI runner as the pipeline's (Pulumi in
 * pulumi.ts), in its throwing form. Returns stdout.
 */
export async function pulumi(args: string[], options: PulumiRunOptions = {}): Promise<string> {
  const cli = new Pulumi({ root: options.cwd ?? repoRoot, ...(options.env ? { env: options.env } : {}) });
  const r = await cli.run(args, { stream: options.stream ?? false, timeoutMs: options.timeoutMs ?? 10 * 60_000 });
  if (r.exitCode !== 0) throw new PulumiCommandError(args, r.stdout, r.stderr);
  return r.stdout;
}

/** `pulumi stack output --json` as an object. */
export async function stackOutputs(stack: string, options: PulumiRunOptions = {}): Promise<Record<string, unknown>> {
  return JSON.parse(await pulumi(['stack', 'output', '--json', '--show-secrets', '--stack', stack], options)) as Record<string, unknown>;
}
