import { $ } from 'zx/core';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExecOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Stream the child's output to ours as it runs (long steps such as tests and pulumi up). */
  stream?: boolean;
  /** Kill the child after this long (it then exits non-zero). */
  timeoutMs?: number;
}

/** Runs one program with its arguments (no shell parsing of values) and never throws on a non-zero exit. */
export async function exec(cmd: string, args: string[], opts: ExecOptions): Promise<ExecResult> {
  const shell = $({
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    nothrow: true,
    quiet: !opts.stream,
    verbose: false,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
  });
  const out = await shell`${cmd} ${args}`;
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode ?? 1 };
}

/** Like exec, but a non-zero exit becomes an error that quotes the command and its stderr. */
export async function execOrThrow(cmd: string, args: string[], opts: ExecOptions): Promise<ExecResult> {
  const r = await exec(cmd, args, opts);
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.exitCode}) in ${opts.cwd}:\n${tail}`);
  }
  return r;
}
