import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads the working tree and counts what it touched, so the benchmark can show that a
 * one-service change costs the same however many services the repository holds.
 */
export class TreeReader {
  readonly root: string;
  filesRead = 0;
  pathsChecked = 0;
  dirsListed = 0;

  constructor(root: string) {
    this.root = root;
  }

  exists(rel: string): boolean {
    this.pathsChecked++;
    return existsSync(path.join(this.root, rel));
  }

  read(rel: string): string | undefined {
    this.filesRead++;
    try {
      return readFileSync(path.join(this.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  readJson<T>(rel: string): T | undefined {
    const text = this.read(rel);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`${rel}: invalid JSON: ${(e as Error).message}`);
    }
  }

  listDirs(rel: string): string[] {
    this.dirsListed++;
    const abs = path.join(this.root, rel);
    if (!existsSync(abs)) return [];
    return readdirSync(abs, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  }
}
