import { CATALOG_FILE, parseServiceFile } from '@msa/catalog';
import type { TreeReader } from './work.ts';

/**
 * Which folders under apps/ are services: those with a valid catalog entry, read through the
 * catalog package's parser. Each folder is read at most once, and the whole list only when a
 * change can reach every service, so a change to one service reads one entry.
 */
export class ServiceFolders {
  private readonly known = new Map<string, boolean>();
  private all?: string[];

  private readonly tree: TreeReader;
  readonly appsDir: string;

  constructor(tree: TreeReader, appsDir: string) {
    this.tree = tree;
    this.appsDir = appsDir;
  }

  /** True when apps/<name>/service.yaml exists; an invalid entry stops the run, naming its fields. */
  isService(name: string): boolean {
    let known = this.known.get(name);
    if (known === undefined) {
      const file = `${this.appsDir}/${name}/${CATALOG_FILE}`;
      const text = this.tree.exists(file) ? this.tree.read(file) : undefined;
      if (text !== undefined) {
        const parsed = parseServiceFile(file, text);
        if (parsed.issues.length > 0) {
          throw new Error(`Catalog entry ${file} is invalid: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
        }
      }
      known = text !== undefined;
      this.known.set(name, known);
    }
    return known;
  }

  /** Every service's name. */
  names(): string[] {
    return (this.all ??= this.tree.listDirs(this.appsDir).filter((n) => this.isService(n)));
  }

  isCatalogEntry(pathInService: string[]): boolean {
    return pathInService.length === 1 && pathInService[0] === CATALOG_FILE;
  }
}
