import { existsSync } from 'node:fs';
import path from 'node:path';

/** The monorepo root: the nearest folder above `from` holding both package.json and apps/. */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'apps')) && existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`No monorepo root (a folder with apps/ and package.json) above ${from}`);
    dir = up;
  }
}
