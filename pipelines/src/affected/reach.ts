import { parseDocument } from 'yaml';
import { listStacks, stackFileName } from '@msa/catalog';
import type { ChangeContext } from './classify.ts';
import { changedLockKeys, parseLockfile, runtimeClosure } from './lockfile.ts';
import { SharedPackages, runtimeDependencies, type PackageJson } from './workspace-graph.ts';

/**
 * How far the changes whose reach depends on the whole change set go, once every path is read.
 * Only these read every service's manifest; a change inside one service's folder never gets here.
 */

/** Changed shared packages reach the services (and infra) that depend on them, directly or through another package. */
export function sharedPackageReach(cx: ChangeContext): void {
  const { findings, tree, services } = cx;
  if (findings.changedPackageDirs.size === 0) return;
  const shared = new SharedPackages(tree, cx.packagesDir);
  const changedNames = new Set<string>();
  for (const dir of findings.changedPackageDirs.keys()) {
    const name = shared.nameByDir.get(dir);
    if (name) changedNames.add(name);
  }
  const via = shared.dependentsOf(changedNames);
  const changedFileOf = (chain: string): string => {
    const origin = chain.split(' → ').at(-1)!;
    for (const [dir, name] of shared.nameByDir) if (name === origin) return findings.changedPackageDirs.get(dir) ?? origin;
    return origin;
  };
  const infraPkg = tree.readJson<PackageJson>('infra/package.json');
  const infraHit = infraPkg ? runtimeDependencies(infraPkg).find((d) => via.has(d)) : undefined;
  if (infraHit) {
    findings.everyService.push(`shared package ${via.get(infraHit)} changed and infra uses it`);
    findings.programChanged = true;
  }
  for (const name of services.names()) {
    const pkg = tree.readJson<PackageJson>(`${services.appsDir}/${name}/package.json`) ?? {};
    for (const dep of runtimeDependencies(pkg)) {
      const chain = via.get(dep);
      if (chain) findings.addService(name, { kind: 'shared-package', detail: `depends on ${chain} (${changedFileOf(chain)} changed)` });
    }
  }
}

/** A changed lockfile reaches the workspaces whose locked runtime closure (before or after) holds a changed entry. */
export async function lockfileReach(cx: ChangeContext): Promise<void> {
  const { findings, git, tree, services, mergeBase } = cx;
  if (!findings.lockfileChanged) return;
  const before = parseLockfile(await git.show(mergeBase, 'package-lock.json'), `package-lock.json at ${mergeBase.slice(0, 8)}`);
  const after = parseLockfile(tree.read('package-lock.json'), 'package-lock.json');
  const keys = changedLockKeys(before, after);
  const hit = (workspace: string): string | undefined => {
    for (const lock of [after, before]) {
      for (const k of runtimeClosure(lock, workspace)) if (keys.has(k)) return k;
    }
    return undefined;
  };
  const infraKey = hit('infra');
  if (infraKey) {
    findings.everyService.push(infraKey === 'infra' ? "infra's locked dependencies changed" : `infra's locked dependency ${infraKey} changed`);
    findings.programChanged = true;
  }
  for (const name of services.names()) {
    const dir = `${services.appsDir}/${name}`;
    const k = hit(dir);
    if (k) findings.addService(name, { kind: 'locked-dependency', detail: k === dir ? 'package-lock.json: its dependency list changed' : `package-lock.json: ${k} changed` });
  }
}

/** Changes that shape every service (infra, the toolchain) give each service every such reason. */
export function everyServiceReach(cx: ChangeContext): void {
  const { findings, services } = cx;
  if (findings.everyService.length === 0) return;
  for (const name of services.names()) {
    for (const why of findings.everyService) findings.addService(name, { kind: /infra|Pulumi/.test(why) ? 'infra' : 'toolchain', detail: why });
  }
}

/** A changed Pulumi program needs every stack's preview; the local target's code only the local stacks'. */
export function programReach(cx: ChangeContext, root: string): void {
  const { findings, tree } = cx;
  if (!findings.programChanged && !findings.localProgramChanged) return;
  tree.dirsListed++;
  for (const stack of listStacks(root)) {
    if (findings.programChanged) findings.addStack(stack, 'the Pulumi program changed');
    else if (stackTarget(tree.read(stackFileName(stack))) === 'local') findings.addStack(stack, "the local target's code changed");
  }
}

/** A stack config's `msa:target`, read as YAML (undefined when the file or the key is missing). */
function stackTarget(text: string | undefined): unknown {
  return text === undefined ? undefined : parseDocument(text).getIn(['config', 'msa:target']);
}
