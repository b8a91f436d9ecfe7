import type { TreeReader } from './work.ts';

export interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Production dependency names of a package.json (what ships with it). */
export function runtimeDependencies(pkg: PackageJson): string[] {
  return [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ];
}

/** The shared workspace packages (packages/*): their names and which of them they depend on. */
export class SharedPackages {
  /** folder (packages/<dir>) → package name */
  readonly nameByDir = new Map<string, string>();
  /** package name → shared packages it depends on */
  readonly depsByName = new Map<string, string[]>();

  constructor(tree: TreeReader, packagesDir = 'packages') {
    for (const dir of tree.listDirs(packagesDir)) {
      const pkg = tree.readJson<PackageJson>(`${packagesDir}/${dir}/package.json`);
      if (!pkg?.name) continue;
      this.nameByDir.set(dir, pkg.name);
    }
    const names = new Set(this.nameByDir.values());
    for (const dir of this.nameByDir.keys()) {
      const pkg = tree.readJson<PackageJson>(`${packagesDir}/${dir}/package.json`) ?? {};
      this.depsByName.set(this.nameByDir.get(dir)!, runtimeDependencies(pkg).filter((d) => names.has(d)));
    }
  }

  has(name: string): boolean {
    return this.depsByName.has(name);
  }

  /**
   * Every shared package that changed or depends (transitively) on one that changed,
   * each with the chain that links it to the change: "@msa/b → @msa/a".
   */
  dependentsOf(changed: Set<string>): Map<string, string> {
    const via = new Map<string, string>();
    for (const c of changed) via.set(c, c);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [name, deps] of this.depsByName) {
        if (via.has(name)) continue;
        const hit = deps.find((d) => via.has(d));
        if (hit) {
          via.set(name, `${name} → ${via.get(hit)}`);
          grew = true;
        }
      }
    }
    return via;
  }
}
