import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { create } from 'tar';
import { Git } from '../git/git.ts';
import { parseLockfile, runtimeClosure } from '../affected/lockfile.ts';

/**
 * The files a service ships: its own tracked files, the shared workspace packages it depends
 * on, and its locked production dependencies from node_modules. Sorted, so the same sources
 * give the same tarball and the same digest.
 */
export async function bundleFiles(root: string, serviceDir: string): Promise<string[]> {
  const git = new Git(root);
  const files = new Set<string>();
  const tracked = async (dir: string) => {
    for (const f of (await git.run(['ls-files', '-z', '--', dir])).split('\0')) if (f) files.add(f);
  };
  await tracked(serviceDir);
  const lockText = existsSync(path.join(root, 'package-lock.json')) ? readFileSync(path.join(root, 'package-lock.json'), 'utf8') : undefined;
  if (lockText) {
    const lock = parseLockfile(lockText, 'package-lock.json');
    for (const key of runtimeClosure(lock, serviceDir)) {
      if (key === serviceDir) continue;
      const entry = lock.packages?.[key];
      if (!entry || entry.link) continue;
      if (!key.includes('node_modules/')) await tracked(key); // a workspace package: its tracked sources
      else if (existsSync(path.join(root, key))) walk(root, key, files);
    }
  }
  return [...files].sort();
}

function walk(root: string, rel: string, out: Set<string>): void {
  for (const name of readdirSync(path.join(root, rel)).sort()) {
    if (name === 'node_modules') continue; // nested deps are separate lock entries
    const child = `${rel}/${name}`;
    const st = statSync(path.join(root, child));
    if (st.isDirectory()) walk(root, child, out);
    else if (st.isFile()) out.add(child);
  }
}

/** Packs the files into a reproducible .tgz named by its sha256; returns the digest and path. */
export async function packBundle(root: string, files: string[], outDir: string): Promise<{ digest: string; file: string; bytes: number }> {
  mkdirSync(outDir, { recursive: true });
  const tmp = path.join(outDir, `.bundle-${process.pid}-${Date.now()}.tgz`);
  await create({ file: tmp, cwd: root, gzip: { level: 9 }, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
  const bytes = readFileSync(tmp);
  const hex = createHash('sha256').update(bytes).digest('hex');
  const file = path.join(outDir, `sha256-${hex}.tgz`);
  renameSync(tmp, file);
  return { digest: `sha256:${hex}`, file, bytes: bytes.length };
}
