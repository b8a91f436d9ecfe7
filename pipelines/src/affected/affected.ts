import { CATALOG_FILE, parseServiceFile } from '@msa/catalog';
import { Git } from '../git/git.ts';
import { listStackConfigs, parseReleases } from '../stacks/config.ts';
import { sameArtifact } from '../stacks/release.ts';
import { changedLockKeys, parseLockfile, runtimeClosure } from './lockfile.ts';
import { TreeReader } from './work.ts';
import { SharedPackages, runtimeDependencies, type PackageJson } from './workspace-graph.ts';

export type ReasonKind = 'folder' | 'catalog-entry' | 'shared-package' | 'locked-dependency' | 'infra' | 'release' | 'toolchain';

export interface Reason {
  kind: ReasonKind;
  /** Why, in words: "apps/order/src/app.ts changed". */
  detail: string;
}

export interface AffectedService {
  name: string;
  reasons: Reason[];
}

export interface AffectedStack {
  name: string;
  reasons: string[];
}

export interface AffectedResult {
  base: string;
  head: string;
  mergeBase: string;
  changedFiles: string[];
  services: AffectedService[];
  /** Stacks whose preview the change needs (their config or the program changed). */
  stacks: AffectedStack[];
  /** Changed paths that shape no service (docs, pipelines, workflows). */
  ignored: string[];
  work: { gitCalls: number; filesRead: number; pathsChecked: number; dirsListed: number };
}

export interface AffectedOptions {
  root: string;
  base: string;
  head?: string;
  appsDir?: string;
  packagesDir?: string;
}

/** git's well-known id of the empty tree. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const ROOT_TOOLCHAIN = new Set(['tsconfig.base.json']);

/**
 * The services a change touches, each with its reasons. The work done follows the change:
 * a file inside one service's folder costs two git calls and one catalog read, however many
 * services exist; only changes that can reach every service (shared packages, infra, the
 * lockfile) read every service's manifest.
 */
export async function computeAffected(opts: AffectedOptions): Promise<AffectedResult> {
  const appsDir = opts.appsDir ?? 'apps';
  const packagesDir = opts.packagesDir ?? 'packages';
  const git = new Git(opts.root);
  const tree = new TreeReader(opts.root);
  const head = await git.revParse(opts.head ?? 'HEAD');
  // A push that creates a branch reports an all-zero "before": compare with the empty tree then.
  const mergeBase = /^0{40}$/.test(opts.base) ? EMPTY_TREE : await git.mergeBase(opts.base, head);
  const changed = await git.changedFiles(mergeBase, head);

  const services = new Map<string, Reason[]>();
  const stacks = new Map<string, string[]>();
  const ignored: string[] = [];
  const add = (name: string, reason: Reason) => {
    const list = services.get(name) ?? [];
    if (!list.some((r) => r.kind === reason.kind && r.detail === reason.detail)) list.push(reason);
    services.set(name, list);
  };
  const addStack = (name: string, why: string) => {
    const list = stacks.get(name) ?? [];
    if (!list.includes(why)) list.push(why);
    stacks.set(name, list);
  };

  const isService = new Map<string, boolean>();
  const serviceExists = (name: string): boolean => {
    let known = isService.get(name);
    if (known === undefined) {
      const file = `${appsDir}/${name}/${CATALOG_FILE}`;
      const text = tree.exists(file) ? tree.read(file) : undefined;
      if (text !== undefined) {
        const parsed = parseServiceFile(file, text);
        if (parsed.issues.length > 0) {
          throw new Error(`Catalog entry ${file} is invalid: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
        }
      }
      known = text !== undefined;
      isService.set(name, known);
    }
    return known;
  };
  let allNames: string[] | undefined;
  const allServices = (): string[] => (allNames ??= tree.listDirs(appsDir).filter(serviceExists));

  const changedPackageDirs = new Map<string, string>();
  const everyService: string[] = [];
  let lockfileChanged = false;
  let programChanged = false;
  let localProgramChanged = false;

  for (const file of changed) {
    const parts = file.split('/');
    if (parts[0] === appsDir && parts.length >= 3) {
      const name = parts[1]!;
      if (serviceExists(name)) {
        const entry = parts.length === 3 && parts[2] === CATALOG_FILE;
        add(name, { kind: entry ? 'catalog-entry' : 'folder', detail: `${file} changed` });
      } else {
        ignored.push(file);
      }
    } else if (parts[0] === packagesDir && parts.length >= 3) {
      if (parts[2] === 'test' || /\.md$/i.test(file)) ignored.push(file);
      else if (!changedPackageDirs.has(parts[1]!)) changedPackageDirs.set(parts[1]!, file);
    } else if (parts[0] === 'infra') {
      if (parts[1] === 'test' || /\.md$/i.test(file)) ignored.push(file);
      else if (parts[1] === 'src' && parts[2] === 'local') {
        // The local target's code shapes only stacks on this machine, never a stage of the chain.
        localProgramChanged = true;
      } else {
        everyService.push(`infra code ${file} changed; it shapes every service's workload`);
        programChanged = true;
      }
    } else if (file === 'Pulumi.yaml') {
      everyService.push('Pulumi.yaml (the project) changed');
      programChanged = true;
    } else if (/^Pulumi\.[^/]+\.yaml$/.test(file)) {
      await stackConfigChange(file);
    } else if (file === 'package-lock.json') {
      lockfileChanged = true;
    } else if (file === 'package.json') {
      if (await rootManifestShapesBuilds()) everyService.push('the root package.json (toolchain or workspaces) changed');
      else ignored.push(file);
    } else if (ROOT_TOOLCHAIN.has(file)) {
      everyService.push(`${file} (TypeScript settings of every workspace) changed`);
    } else {
      ignored.push(file);
    }
  }

  async function stackConfigChange(file: string): Promise<void> {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(file)![1]!;
    const before = await git.show(mergeBase, file);
    const after = tree.read(file);
    if (after === undefined) {
      ignored.push(file);
      return;
    }
    addStack(stack, `${file} changed`);
    const old = before === undefined ? {} : parseReleases(before, `${file} at ${mergeBase.slice(0, 8)}`);
    const now = parseReleases(after, file);
    for (const name of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const a = old[name];
      const b = now[name];
      if (JSON.stringify(a) === JSON.stringify(b) || !b || !serviceExists(name)) continue;
      const what = sameArtifact(a, b) ? 'release metadata' : `release ${a?.version ?? '(none)'} → ${b.version}`;
      add(name, { kind: 'release', detail: `${file}: msa:releases.${name} ${what}` });
    }
  }

  async function rootManifestShapesBuilds(): Promise<boolean> {
    const strip = (t: string | undefined) => {
      if (t === undefined) return '';
      const { scripts: _s, description: _d, ...rest } = JSON.parse(t) as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    return strip(await git.show(mergeBase, 'package.json')) !== strip(tree.read('package.json'));
  }

  if (changedPackageDirs.size > 0) {
    const shared = new SharedPackages(tree, packagesDir);
    const changedNames = new Set<string>();
    for (const dir of changedPackageDirs.keys()) {
      const name = shared.nameByDir.get(dir);
      if (name) changedNames.add(name);
    }
    const via = shared.dependentsOf(changedNames);
    const changedFileOf = (pkgs: SharedPackages, chain: string): string => {
      const origin = chain.split(' → ').at(-1)!;
      for (const [dir, name] of pkgs.nameByDir) if (name === origin) return changedPackageDirs.get(dir) ?? origin;
      return origin;
    };
    const infraPkg = tree.readJson<PackageJson>('infra/package.json');
    const infraHit = infraPkg ? runtimeDependencies(infraPkg).find((d) => via.has(d)) : undefined;
    if (infraHit) {
      everyService.push(`shared package ${via.get(infraHit)} changed and infra uses it`);
      programChanged = true;
    }
    for (const name of allServices()) {
      const pkg = tree.readJson<PackageJson>(`${appsDir}/${name}/package.json`) ?? {};
      for (const dep of runtimeDependencies(pkg)) {
        const chain = via.get(dep);
        if (chain) add(name, { kind: 'shared-package', detail: `depends on ${chain} (${changedFileOf(shared, chain)} changed)` });
      }
    }
  }

  if (lockfileChanged) {
    const before = parseLockfile(await git.show(mergeBase, 'package-lock.json'), `package-lock.json at ${mergeBase.slice(0, 8)}`);
    const after = parseLockfile(tree.read('package-lock.json'), 'package-lock.json');
    const keys = changedLockKeys(before, after);
    const hit = (workspace: string): string | undefined => {
      for (const lock of [after, before]) {
        const closure = runtimeClosure(lock, workspace);
        for (const k of closure) if (keys.has(k)) return k;
      }
      return undefined;
    };
    const infraKey = hit('infra');
    if (infraKey) {
      everyService.push(infraKey === 'infra' ? "infra's locked dependencies changed" : `infra's locked dependency ${infraKey} changed`);
      programChanged = true;
    }
    for (const name of allServices()) {
      const k = hit(`${appsDir}/${name}`);
      if (k) add(name, { kind: 'locked-dependency', detail: k === `${appsDir}/${name}` ? 'package-lock.json: its dependency list changed' : `package-lock.json: ${k} changed` });
    }
  }

  if (everyService.length > 0) {
    for (const name of allServices()) {
      for (const why of everyService) add(name, { kind: /infra|Pulumi/.test(why) ? 'infra' : 'toolchain', detail: why });
    }
  }
  if (programChanged || localProgramChanged) {
    tree.dirsListed++;
    for (const stack of listStackConfigs(opts.root)) {
      if (programChanged) addStack(stack, 'the Pulumi program changed');
      else if (/^\s*msa:target:\s*local\s*$/m.test(tree.read(`Pulumi.${stack}.yaml`) ?? '')) addStack(stack, "the local target's code changed");
    }
  }

  return {
    base: opts.base,
    head,
    mergeBase,
    changedFiles: changed,
    services: [...services.entries()].map(([name, reasons]) => ({ name, reasons })).sort((a, b) => a.name.localeCompare(b.name)),
    stacks: [...stacks.entries()].map(([name, reasons]) => ({ name, reasons })).sort((a, b) => a.name.localeCompare(b.name)),
    ignored,
    work: { gitCalls: git.calls, filesRead: tree.filesRead, pathsChecked: tree.pathsChecked, dirsListed: tree.dirsListed },
  };
}

