/** package-lock.json v3: which locked packages changed, and which of them a workspace ships. */

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface Lockfile {
  packages?: Record<string, LockEntry>;
}

export function parseLockfile(text: string | undefined, where: string): Lockfile {
  if (text === undefined) return { packages: {} };
  try {
    return JSON.parse(text) as Lockfile;
  } catch (e) {
    throw new Error(`${where}: invalid JSON: ${(e as Error).message}`);
  }
}

/** Keys of lock entries added, removed or changed between two lockfiles. */
export function changedLockKeys(before: Lockfile, after: Lockfile): Set<string> {
  const a = before.packages ?? {};
  const b = after.packages ?? {};
  const keys = new Set<string>();
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (k === '') continue; // the root project entry lists every workspace
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) keys.add(k);
  }
  return keys;
}

/** Node's lookup: a dependency of the package at `from` resolves to the nearest node_modules up the path. */
function resolveKey(lock: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const key = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (lock[key]) return key;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

/** Every lock key a workspace folder (e.g. "apps/order") ships: its production dependency closure. */
export function runtimeClosure(lockfile: Lockfile, workspace: string): Set<string> {
  const lock = lockfile.packages ?? {};
  const seen = new Set<string>();
  const stack = [workspace];
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = lock[key];
    if (!entry) continue;
    if (entry.link && entry.resolved) {
      stack.push(entry.resolved);
      continue;
    }
    const deps = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
    for (const dep of Object.keys(deps)) {
      const found = resolveKey(lock, key, dep);
      if (found) stack.push(found);
    }
  }
  return seen;
}
