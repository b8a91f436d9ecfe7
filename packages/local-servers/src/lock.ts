import { mkdirSync } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * Runs `work` while holding an inter-process lock on `target` (a `<target>.lock` folder), so two
 * commands or test workers that start the same environment at once do not both run initdb or the broker.
 */
export async function withLock<T>(target: string, work: () => Promise<T>, waitMs = 180_000): Promise<T> {
  mkdirSync(path.dirname(target), { recursive: true });
  const release = await lockfile.lock(target, {
    realpath: false,
    // A holder that died leaves a lock nobody refreshes; after 30 s it is taken over.
    stale: 30_000,
    retries: { retries: Math.ceil(waitMs / 500), factor: 1, minTimeout: 500, maxTimeout: 500 },
    onCompromised: (error) => console.warn(`warning: lock on ${target} lost: ${error.message}`),
  });
  try {
    return await work();
  } finally {
    await release().catch(() => {});
  }
}
