import { Git } from '../git/git.ts';
import { classifyPath, type ChangeContext } from './classify.ts';
import { Findings, type AffectedService, type AffectedStack } from './findings.ts';
import { everyServiceReach, lockfileReach, programReach, sharedPackageReach } from './reach.ts';
import { ServiceFolders } from './service-folders.ts';
import { TreeReader } from './work.ts';

export type { AffectedService, AffectedStack, Reason, ReasonKind } from './findings.ts';

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

/**
 * The services a change touches, each with its reasons. Each changed path goes to the classifier
 * of its kind (classify.ts); then the changes whose reach needs the whole picture are followed
 * (reach.ts). The work done follows the change: a file inside one service's folder costs two git
 * calls and one catalog read, however many services exist; only changes that can reach every
 * service (shared packages, infra, the lockfile) read every service's manifest.
 */
export async function computeAffected(opts: AffectedOptions): Promise<AffectedResult> {
  const git = new Git(opts.root);
  const tree = new TreeReader(opts.root);
  const head = await git.revParse(opts.head ?? 'HEAD');
  // A push that creates a branch reports an all-zero "before": compare with the empty tree then.
  const mergeBase = /^0{40}$/.test(opts.base) ? EMPTY_TREE : await git.mergeBase(opts.base, head);
  const changed = await git.changedFiles(mergeBase, head);
  const cx: ChangeContext = {
    git,
    tree,
    mergeBase,
    packagesDir: opts.packagesDir ?? 'packages',
    services: new ServiceFolders(tree, opts.appsDir ?? 'apps'),
    findings: new Findings(),
  };

  for (const file of changed) await classifyPath(file, cx);
  sharedPackageReach(cx);
  await lockfileReach(cx);
  everyServiceReach(cx);
  programReach(cx, opts.root);

  return {
    base: opts.base,
    head,
    mergeBase,
    changedFiles: changed,
    services: cx.findings.sortedServices(),
    stacks: cx.findings.sortedStacks(),
    ignored: cx.findings.ignored,
    work: { gitCalls: git.calls, filesRead: tree.filesRead, pathsChecked: tree.pathsChecked, dirsListed: tree.dirsListed },
  };
}
