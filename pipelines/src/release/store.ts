import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { stackFileName } from '@msa/catalog';
import { StackConfig } from '@msa/stack-driver';
import { Git } from '../git/git.ts';
import { parseDeploymentLog, type DeploymentRecord } from '../records/deployments.ts';
import { releasesSchema, type Releases } from '../stacks/release.ts';

/**
 * Release state lives on one branch per stack, `deployments/<stack>`, never on main (main is
 * protected, and a push to it would start main's workflow again). The branch holds two files:
 * `releases.yaml` (service → {version, image, commit}: what the stack should run) and `log.jsonl`
 * (what was tried there and whether it passed). One release is one commit on it. Writes are
 * compare-and-swap on the ref: a writer that lost the race reads the new state, applies its own
 * change again (only its own services) and retries, so two writers never undo each other.
 * Before a stack's branch exists its state is the `msa:releases` of its Pulumi.<stack>.yaml.
 */
export const STATE_BRANCH_PREFIX = 'deployments/';
export const RELEASES_FILE = 'releases.yaml';
export const LOG_FILE = 'log.jsonl';

export interface ReleaseState {
  releases: Releases;
  records: DeploymentRecord[];
  /** The state commit these values were read from; undefined before the stack's first release. */
  commit?: string;
}

export interface StoreOptions {
  root: string;
  /** The remote that holds release state (CI: origin); undefined: this repository's own refs. */
  remote?: string;
  env?: NodeJS.ProcessEnv;
}

/** Who a state commit names: a hosted runner has no git identity, and the pipeline needs none. */
export const PIPELINE_IDENTITY = {
  GIT_AUTHOR_NAME: 'msa pipeline',
  GIT_AUTHOR_EMAIL: 'pipeline@msa.invalid',
  GIT_COMMITTER_NAME: 'msa pipeline',
  GIT_COMMITTER_EMAIL: 'pipeline@msa.invalid',
};

const ZERO = '0'.repeat(40);

export class ReleaseStore {
  readonly git: Git;
  readonly remote: string | undefined;
  private readonly root: string;
  private readonly auth: NodeJS.ProcessEnv | undefined;

  constructor(opts: StoreOptions) {
    this.root = opts.root;
    this.git = new Git(opts.root);
    this.remote = opts.remote;
    this.auth = opts.remote ? this.git.credentials(opts.env ?? process.env) : undefined;
  }

  static branch(stack: string): string {
    return `${STATE_BRANCH_PREFIX}${stack}`;
  }

  /** The local ref a stack's state is read from (a remote's copy is fetched into it first). */
  private localRef(stack: string): string {
    return this.remote ? `refs/remotes/${this.remote}/${ReleaseStore.branch(stack)}` : `refs/heads/${ReleaseStore.branch(stack)}`;
  }

  /** The stack's state now: fetched from the remote when there is one. */
  async read(stack: string): Promise<ReleaseState> {
    const commit = await this.head(stack);
    return commit ? this.readAt(stack, commit) : this.seed(stack);
  }

  /** The state as it was at one state commit: what rebuilding the environment at that point needs. */
  async readAt(stack: string, commit: string): Promise<ReleaseState> {
    const where = `${ReleaseStore.branch(stack)} at ${commit.slice(0, 10)}`;
    const releasesText = (await this.git.show(commit, RELEASES_FILE)) ?? '{}';
    const parsed = releasesSchema.safeParse(parse(releasesText) ?? {});
    if (!parsed.success) throw new Error(`${RELEASES_FILE} on ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const logText = (await this.git.show(commit, LOG_FILE)) ?? '';
    return { releases: parsed.data, records: parseDeploymentLog(logText, `${LOG_FILE} on ${where}`), commit };
  }

  /** The state commit of a stack, or undefined before its first release. */
  async head(stack: string): Promise<string | undefined> {
    const branch = ReleaseStore.branch(stack);
    if (this.remote) {
      const fetched = await this.git.tryRun(['fetch', '--quiet', '--no-tags', this.remote, `+refs/heads/${branch}:${this.localRef(stack)}`], this.auth);
      if (fetched === undefined) {
        // Either the branch does not exist there yet, or the remote is unreachable: only the first may seed.
        const listed = await this.git.run(['ls-remote', this.remote, `refs/heads/${branch}`], this.auth);
        if (listed.trim() !== '') throw new Error(`Could not fetch ${branch} from ${this.remote}`);
        await this.git.tryRun(['update-ref', '-d', this.localRef(stack)]);
        return undefined;
      }
    }
    return (await this.git.tryRun(['rev-parse', '--verify', '--quiet', `${this.localRef(stack)}^{commit}`]))?.trim() || undefined;
  }

  /** Before a stack's first release: the msa:releases its config file names (and a log kept beside it, if any). */
  private seed(stack: string): ReleaseState {
    const file = path.join(this.root, stackFileName(stack));
    const releases = existsSync(file) ? StackConfig.load(this.root, stack).releases() : {};
    const log = path.join(this.root, 'deployments', `${stack}.jsonl`);
    const records = existsSync(log) ? parseDeploymentLog(readFileSync(log, 'utf8'), path.relative(this.root, log)) : [];
    return { releases, records };
  }

  /**
   * Applies `change` to the stack's newest state and stores the result as one commit. When another
   * writer got there first, the change is applied again to what it wrote: `change` must only set
   * what this writer owns (its services, its records). Returns the new state.
   */
  async update(stack: string, message: string, change: (state: ReleaseState) => void, attempts = 8): Promise<ReleaseState> {
    for (let i = 1; ; i++) {
      const current = await this.read(stack);
      const next: ReleaseState = { releases: { ...current.releases }, records: [...current.records] };
      change(next);
      const commit = await this.commitState(next, current.commit, message);
      if (await this.swap(stack, current.commit, commit)) return { ...next, commit };
      if (i >= attempts) throw new Error(`Release state of ${stack} changed under us ${attempts} times; giving up on "${message}"`);
    }
  }

  private async commitState(state: ReleaseState, parent: string | undefined, message: string): Promise<string> {
    const sorted = Object.fromEntries(Object.entries(state.releases).sort(([a], [b]) => a.localeCompare(b)));
    const releases = `# What this stack runs, written by the pipeline (pipelines/src/release/store.ts).\n${stringify(sorted)}`;
    const log = state.records.map((r) => JSON.stringify(r)).join('\n') + (state.records.length ? '\n' : '');
    // An empty input is read from /dev/null: the process runner leaves stdin open when given ''.
    const blob = async (text: string) => (await this.git.run(text ? ['hash-object', '-w', '--stdin'] : ['hash-object', '-w', '-t', 'blob', '/dev/null'], undefined, text || undefined)).trim();
    const tree = (await this.git.run(['mktree'], undefined, `100644 blob ${await blob(log)}\t${LOG_FILE}\n100644 blob ${await blob(releases)}\t${RELEASES_FILE}\n`)).trim();
    const args = ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message];
    return (await this.git.run(args, PIPELINE_IDENTITY)).trim();
  }

  /** Compare-and-swap of the stack's state ref: true when `from` was still its value. */
  private async swap(stack: string, from: string | undefined, to: string): Promise<boolean> {
    const branch = ReleaseStore.branch(stack);
    if (!this.remote) return (await this.git.tryRun(['update-ref', `refs/heads/${branch}`, to, from ?? ZERO])) !== undefined;
    // `to` descends from `from`: the remote takes it only as a fast-forward, the lease says from what.
    const pushed = await this.git.tryRun(['push', '--quiet', `--force-with-lease=refs/heads/${branch}:${from ?? ''}`, this.remote, `${to}:refs/heads/${branch}`], this.auth);
    if (pushed === undefined) return false;
    await this.git.run(['update-ref', this.localRef(stack), to]);
    return true;
  }

  /** Removes a stack's state (a destroyed clone). */
  async remove(stack: string): Promise<void> {
    const branch = ReleaseStore.branch(stack);
    if (this.remote) await this.git.tryRun(['push', '--quiet', this.remote, `:refs/heads/${branch}`], this.auth);
    await this.git.tryRun(['update-ref', '-d', this.localRef(stack)]);
  }
}
