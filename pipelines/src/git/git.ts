import { exec, execOrThrow } from '@msa/stack-driver';

/** Who commits when git has no identity: GitHub's Actions bot, as actions/checkout's own docs use it. */
export const BOT_IDENTITY = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' } as const;

/** Thin wrappers over the git CLI for the questions the pipeline asks of a repository. */
export class Git {
  readonly root: string;
  /** How many git processes this instance started: the benchmark reports it as work done. */
  calls = 0;

  constructor(root: string) {
    this.root = root;
  }

  private identity?: Promise<string[]>;

  async run(args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<string> {
    this.calls++;
    return (await execOrThrow('git', [...(await this.identityArgs()), ...args], { cwd: this.root, ...(env ? { env } : {}), ...(input !== undefined ? { input } : {}) })).stdout;
  }

  async tryRun(args: string[], env?: NodeJS.ProcessEnv): Promise<string | undefined> {
    this.calls++;
    const r = await exec('git', [...(await this.identityArgs()), ...args], { cwd: this.root, ...(env ? { env } : {}) });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  /** The environment that lets one git command authenticate to the remote (see credentialEnv). */
  credentials(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | undefined {
    return credentialEnv(env);
  }

  /**
   * A hosted runner has no git identity, and the pipeline's commits (and the rebases of a push) need one: when git has
   * none, each command gets the Actions bot's through `-c`, never written to any config file. An identity a user or a
   * workflow set is kept.
   */
  private identityArgs(): Promise<string[]> {
    this.identity ??= Promise.all(['user.name', 'user.email'].map((k) => exec('git', ['config', '--get', k], { cwd: this.root })))
      .then(([name, email]) => (name!.exitCode === 0 && email!.exitCode === 0 ? [] : ['-c', `user.name=${BOT_IDENTITY.name}`, '-c', `user.email=${BOT_IDENTITY.email}`]));
    return this.identity;
  }

  async revParse(ref: string): Promise<string> {
    return (await this.run(['rev-parse', '--verify', `${ref}^{commit}`])).trim();
  }

  async mergeBase(a: string, b: string): Promise<string> {
    return (await this.run(['merge-base', a, b])).trim();
  }

  /** Paths changed between two commits (renames count as a delete and an add, so both sides are seen). */
  async changedFiles(from: string, to: string): Promise<string[]> {
    const out = await this.run(['diff', '--name-only', '--no-renames', from, to]);
    return out.split('\n').filter((l) => l.length > 0);
  }

  /** A file's content at a commit, or undefined when it did not exist there. */
  async show(ref: string, file: string): Promise<string | undefined> {
    return this.tryRun(['show', `${ref}:${file}`]);
  }

  async isClean(paths: string[]): Promise<boolean> {
    return (await this.run(['status', '--porcelain', '--', ...paths])).trim() === '';
  }
}

/**
 * In a workflow the checkout keeps no credentials (persist-credentials: false); the token is
 * handed to this one git command through git's config environment (not argv, not .git/config).
 */
function credentialEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv | undefined {
  if (!env.GITHUB_TOKEN) return undefined;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const basic = Buffer.from(`x-access-token:${env.GITHUB_TOKEN}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${server}/.extraheader`, GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}` };
}
