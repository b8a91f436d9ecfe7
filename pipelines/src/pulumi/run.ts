import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, type ExecResult } from '../process/exec.ts';

/** Where this checkout keeps the tools it builds (.tools/), found from this file, not from the cwd. */
export const TOOLS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PulumiOptions {
  /** Folder holding Pulumi.yaml and the stacks' Pulumi.<stack>.yaml files. */
  root: string;
  /** Extra environment (backend URL, passphrase); the process environment fills the rest. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The one place that starts the Pulumi CLI. It prefers the CLI this repository builds
 * (.tools/pulumi/bin, see tools/pulumi) with its language plugin on PATH, then MSA_PULUMI_BIN,
 * then a `pulumi` on PATH; the local file backend under .local/pulumi is the default state store.
 */
export function pulumiCommand(env: NodeJS.ProcessEnv = process.env): { bin: string; binDir: string | undefined } {
  if (env.MSA_PULUMI_BIN) return { bin: env.MSA_PULUMI_BIN, binDir: path.dirname(env.MSA_PULUMI_BIN) };
  const built = path.join(TOOLS_ROOT, '.tools/pulumi/bin/pulumi');
  if (existsSync(built)) return { bin: built, binDir: path.dirname(built) };
  return { bin: 'pulumi', binDir: undefined };
}

export function pulumiEnv(opts: PulumiOptions): NodeJS.ProcessEnv {
  const { binDir } = pulumiCommand({ ...process.env, ...opts.env });
  const base = { ...process.env, ...opts.env };
  const nodeBin = path.join(TOOLS_ROOT, 'node_modules/.bin');
  return {
    ...opts.env,
    PATH: [binDir, nodeBin, base.PATH].filter(Boolean).join(path.delimiter),
    PULUMI_BACKEND_URL: base.PULUMI_BACKEND_URL ?? `file://${path.join(opts.root, '.local/pulumi')}`,
    PULUMI_CONFIG_PASSPHRASE: base.PULUMI_CONFIG_PASSPHRASE ?? '',
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: 'true',
  };
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
  readonly bin: string;

  constructor(opts: PulumiOptions) {
    this.root = opts.root;
    this.env = pulumiEnv(opts);
    this.bin = pulumiCommand({ ...process.env, ...opts.env }).bin;
  }

  /** Runs pulumi with the given arguments in the project folder; never throws on exit codes. */
  async run(args: string[], opts: { stream?: boolean } = {}): Promise<ExecResult> {
    try {
      return await exec(this.bin, [...args, '--non-interactive'], { cwd: this.root, env: this.env, stream: opts.stream ?? false });
    } catch (e) {
      throw new Error(
        `The Pulumi CLI could not be started (${this.bin}): ${(e as Error).message}. Build it with tools/pulumi/build.sh or set MSA_PULUMI_BIN.`,
      );
    }
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

  /** The stack's outputs, or undefined when the stack does not exist or has never been updated. */
  async outputs(stack: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.run(['stack', 'output', '--json', '--show-secrets', '--stack', stack]);
    if (r.exitCode !== 0) return undefined;
    return JSON.parse(r.stdout || '{}') as Record<string, unknown>;
  }
}

export function tail(r: ExecResult, lines = 20): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n');
}
