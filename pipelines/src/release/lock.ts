import pRetry from 'p-retry';
import type { ReleaseStore } from './store.ts';
import { PIPELINE_IDENTITY } from './store.ts';

/**
 * One release of a stack at a time, across machines: a deploy holds `deployments-lock/<stack>`
 * on the state remote from before it reads the stack's release state until it has recorded its
 * outcome. Pulumi's own lock covers only `pulumi up`; the read before it must be inside too, or a
 * second deploy would run `up` with a state that lacks the first one's release and undo it.
 * Creating the ref is atomic (a push with a lease that it does not exist; locally `update-ref`
 * from zero). A holder that died leaves a lock that expires after `leaseMs`.
 */
export const LOCK_BRANCH_PREFIX = 'deployments-lock/';
const ZERO = '0'.repeat(40);

export interface StackLockOptions {
  owner: string;
  timeoutMs: number;
  /** How long a lock stays valid: longer than any one deploy (default 2 h). */
  leaseMs?: number;
  onWaiting?: (holder: string, waitedMs: number) => void;
  now?: () => Date;
}

export class StackLockTimeout extends Error {
  constructor(stack: string, holder: string, waitedMs: number) {
    super(`Gave up waiting for the release lock of ${stack} after ${Math.round(waitedMs / 1000)} s; it is held by ${holder}`);
    this.name = 'StackLockTimeout';
  }
}

/** Runs `work` while holding the stack's release lock; waits (with backoff) while another holds it. */
export async function withStackLock<T>(store: ReleaseStore, stack: string, opts: StackLockOptions, work: () => Promise<T>): Promise<T> {
  const ref = `refs/heads/${LOCK_BRANCH_PREFIX}${stack}`;
  const now = opts.now ?? (() => new Date());
  const git = store.git;
  const auth = store.remote ? git.credentials() : undefined;
  const expires = new Date(now().getTime() + (opts.leaseMs ?? 2 * 3600_000)).toISOString();
  const tree = (await git.run(['hash-object', '-w', '-t', 'tree', '/dev/null'])).trim();
  const mine = (await git.run(['commit-tree', tree, '-m', `release lock of ${stack}\n\nheld-by: ${opts.owner}\nexpires: ${expires}`], PIPELINE_IDENTITY)).trim();

  const create = async () =>
    store.remote
      ? (await git.tryRun(['push', '--quiet', `--force-with-lease=${ref}:`, store.remote, `${mine}:${ref}`], auth)) !== undefined
      : (await git.tryRun(['update-ref', ref, mine, ZERO])) !== undefined;
  const holder = async (): Promise<{ sha: string; by: string; expires: Date } | undefined> => {
    let sha: string | undefined;
    if (store.remote) {
      sha = (await git.run(['ls-remote', store.remote, ref], auth)).split(/\s/)[0] || undefined;
      if (sha) await git.tryRun(['fetch', '--quiet', '--no-tags', store.remote, ref], auth);
    } else {
      sha = (await git.tryRun(['rev-parse', '--verify', '--quiet', ref]))?.trim() || undefined;
    }
    if (!sha) return undefined;
    const body = (await git.tryRun(['log', '-1', '--format=%B', sha])) ?? '';
    return { sha, by: /held-by: (.*)/.exec(body)?.[1] ?? 'unknown', expires: new Date(/expires: (.*)/.exec(body)?.[1] ?? 0) };
  };
  const remove = async (sha: string) =>
    store.remote
      ? git.tryRun(['push', '--quiet', `--force-with-lease=${ref}:${sha}`, store.remote, `:${ref}`], auth)
      : git.tryRun(['update-ref', '-d', ref, sha]);

  const started = Date.now();
  let last = 'another release';
  await pRetry(
    async () => {
      if (await create()) return;
      const held = await holder();
      if (held && held.expires.getTime() < now().getTime()) {
        // A holder that died: take its lock over only if it is still that one.
        await remove(held.sha);
        throw new Error('expired lock removed');
      }
      last = held ? held.by : 'another release';
      opts.onWaiting?.(last, Date.now() - started);
      throw new Error(`held by ${last}`);
    },
    { retries: Number.POSITIVE_INFINITY, minTimeout: 200, maxTimeout: 5_000, factor: 1.5, maxRetryTime: opts.timeoutMs },
  ).catch(() => {
    throw new StackLockTimeout(stack, last, Date.now() - started);
  });
  try {
    return await work();
  } finally {
    await remove(mine);
  }
}
