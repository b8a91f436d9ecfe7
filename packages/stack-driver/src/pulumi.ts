import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, type ExecResult } from './exec.ts';

/** Where this checkout keeps the tools it builds (.tools/), found from this file, not from the cwd. */
export const TOOLS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PulumiOptions {
  /** Folder holding Pulumi.yaml and the stacks' Pulumi.<stack>.yaml files. */
  root: string;
  /** Extra environment (backend URL, passphrase); the process environment fills the rest. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The one place that starts the Pulumi CLI (the pipeline and the local commands both come here): through the project's wrapper (tools/pulumi/pulumi.sh:
 * the CLI built from the Go module proxy, Node 24 first on PATH, local file backend under .local/,
 * no update checks), run against `root` with --cwd. MSA_PULUMI_BIN names another CLI instead.
 * PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE from `env` win over the wrapper's defaults.
 */
export function pulumiCommand(env: NodeJS.ProcessEnv = process.env): { cmd: string; prefix: string[] } {
  if (env.MSA_PULUMI_BIN) return { cmd: env.MSA_PULUMI_BIN, prefix: [] };
  const wrapper = path.join(TOOLS_ROOT, 'tools/pulumi/pulumi.sh');
  if (existsSync(wrapper)) return { cmd: 'bash', prefix: [wrapper] };
  return { cmd: 'pulumi', prefix: [] };
}

export class PulumiError extends Error {
  readonly result: ExecResult;
  constructor(message: string, result: ExecResult) {
    super(message);
    this.name = 'PulumiError';
    this.result = result;
  }
}

/** The lock message Pulumi prints when another update holds the stack. */
export const STACK_LOCKED = /currently locked by \d+ lock\(s\)|the stack is currently locked/i;

export class Pulumi {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly command: { cmd: string; prefix: string[] };

  constructor(opts: PulumiOptions) {
    this.root = opts.root;
    this.env = { ...opts.env, PULUMI_SKIP_UPDATE_CHECK: 'true' };
    this.command = pulumiCommand({ ...process.env, ...opts.env });
  }

  /** Runs pulumi with the given arguments in the project folder; never throws on exit codes. */
  async run(args: string[], opts: { stream?: boolean; timeoutMs?: number } = {}): Promise<ExecResult> {
    const { cmd, prefix } = this.command;
    const go = () =>
      exec(cmd, [...prefix, '--cwd', this.root, ...args, '--non-interactive'], {
        cwd: this.root, env: this.env, stream: opts.stream ?? false, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      });
    let r = await go();
    if (r.exitCode === 127 && (await setupOnce())) r = await go();
    if (r.exitCode === 127) {
      throw new Error(`The Pulumi CLI is not available (${[cmd, ...prefix].join(' ')}): ${r.stderr.trim()} Run \`npm run pulumi:setup\` to build it.`);
    }
    return r;
  }

  async runOrThrow(args: string[], what: string, opts: { stream?: boolean } = {}): Promise<ExecResult> {
    const r = await this.run(args, opts);
    if (r.exitCode !== 0) throw new PulumiError(`${what} failed (pulumi ${args.join(' ')}):\n${tail(r)}`, r);
    return r;
  }

  async stackNames(): Promise<{ name: string; lastUpdate?: string }[]> {
    const r = await this.runOrThrow(['stack', 'ls', '--json'], 'listing stacks');
    return (JSON.parse(r.stdout || '[]') as { name: string; lastUpdate?: string }[]).map((s) => ({
      ...s,
      name: s.name.split('/').at(-1)!,
    }));
  }

  async stackExists(stack: string): Promise<boolean> {
    return (await this.stackNames()).some((s) => s.name === stack);
  }

  async ensureStack(stack: string): Promise<void> {
    if (await this.stackExists(stack)) return;
    await this.runOrThrow(['stack', 'init', stack], `creating stack ${stack}`);
  }

  async up(stack: string, opts: { stream?: boolean } = {}): Promise<ExecResult> {
    return this.run(['up', '--yes', '--skip-preview', '--stack', stack], opts);
  }

  async preview(stack: string, opts: { expectNoChanges?: boolean } = {}): Promise<ExecResult> {
    return this.run(['preview', '--stack', stack, '--diff', ...(opts.expectNoChanges ? ['--expect-no-changes'] : [])]);
  }

  async destroy(stack: string): Promise<ExecResult> {
    return this.run(['destroy', '--yes', '--skip-preview', '--stack', stack]);
  }

  async removeStack(stack: string): Promise<void> {
    await this.runOrThrow(['stack', 'rm', '--yes', '--force', '--stack', stack], `removing stack ${stack}`);
  }

  /**
   * The stack's outputs, or undefined when the stack does not exist or has never been updated. Secret outputs stay
   * `[secret]`: the pipeline reads releases and versions only, and a read-only job (drift) must not decrypt credentials.
   */
  async outputs(stack: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.run(['stack', 'output', '--json', '--stack', stack]);
    if (r.exitCode !== 0) return undefined;
    return JSON.parse(r.stdout || '{}') as Record<string, unknown>;
  }
}

export function tail(r: ExecResult, lines = 20): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

let setup: Promise<boolean> | undefined;

/**
 * On a fresh machine (a CI runner) the wrapper finds no CLI yet: build it once with the project's
 * own setup (tools/pulumi/setup.sh, from the Go module proxy), then try again.
 */
function setupOnce(): Promise<boolean> {
  const script = path.join(TOOLS_ROOT, 'tools/pulumi/setup.sh');
  if (!existsSync(script)) return Promise.resolve(false);
  setup ??= exec('bash', [script], { cwd: TOOLS_ROOT, stream: true }).then((r) => r.exitCode === 0);
  return setup;
}
