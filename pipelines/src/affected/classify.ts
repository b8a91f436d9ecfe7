import { CATALOG_FILE, parseEventSchemaPath, parseServiceFile, stackOfFile } from '@msa/catalog';
import type { Git } from '../git/git.ts';
import type { Findings } from './findings.ts';
import type { ServiceFolders } from './service-folders.ts';
import type { TreeReader } from './work.ts';

/** What every classifier may read: the change's base, the working tree, and what was found so far. */
export interface ChangeContext {
  git: Git;
  tree: TreeReader;
  mergeBase: string;
  packagesDir: string;
  services: ServiceFolders;
  findings: Findings;
}

/** One kind of path: which paths it owns, and what a change to one of them means. */
interface PathClassifier {
  owns(file: string, parts: string[], cx: ChangeContext): boolean;
  classify(file: string, parts: string[], cx: ChangeContext): void | Promise<void>;
}

/** apps/<service>/…: that service, and no other. */
const serviceFolder: PathClassifier = {
  owns: (_file, parts, cx) => parts[0] === cx.services.appsDir && parts.length >= 3,
  classify(file, parts, cx) {
    const name = parts[1]!;
    if (!cx.services.isService(name)) return cx.findings.ignore(file);
    const kind = cx.services.isCatalogEntry(parts.slice(2)) ? 'catalog-entry' : 'folder';
    cx.findings.addService(name, { kind, detail: `${file} changed` });
    const schema = parseEventSchemaPath(file);
    if (schema) contractReach(file, schema.topic, cx);
  },
};

/** A producer's event schema is also its consumers' contract: their tests read it, so they are affected too. */
function contractReach(file: string, topic: string, cx: ChangeContext): void {
  for (const name of cx.services.names()) {
    const entry = parseServiceFile(CATALOG_FILE, cx.tree.read(`${cx.services.appsDir}/${name}/${CATALOG_FILE}`) ?? '').entry;
    if (entry?.topics.consumes.includes(topic)) cx.findings.addService(name, { kind: 'event-contract', detail: `${file} changed and it consumes ${topic}` });
  }
}

/** packages/<dir>/…: the services depending on it, found once every path is read (see reach.ts). */
const sharedPackage: PathClassifier = {
  owns: (_file, parts, cx) => parts[0] === cx.packagesDir && parts.length >= 3,
  classify(file, parts, cx) {
    if (parts[2] === 'test' || /\.md$/i.test(file)) return cx.findings.ignore(file);
    if (!cx.findings.changedPackageDirs.has(parts[1]!)) cx.findings.changedPackageDirs.set(parts[1]!, file);
  },
};

/** infra/…: the Pulumi program shapes every service's workload, except the local target's code. */
const infraCode: PathClassifier = {
  owns: (_file, parts) => parts[0] === 'infra',
  classify(file, parts, cx) {
    if (parts[1] === 'test' || /\.md$/i.test(file)) return cx.findings.ignore(file);
    if (parts[1] === 'src' && parts[2] === 'targets' && parts[3] === 'local') {
      // The local target's code shapes only stacks on this machine, never a stage of the chain.
      cx.findings.localProgramChanged = true;
      return;
    }
    cx.findings.everyService.push(`infra code ${file} changed; it shapes every service's workload`);
    cx.findings.programChanged = true;
  },
};

const pulumiProject: PathClassifier = {
  owns: (file) => file === 'Pulumi.yaml',
  classify(_file, _parts, cx) {
    cx.findings.everyService.push('Pulumi.yaml (the project) changed');
    cx.findings.programChanged = true;
  },
};

/**
 * Pulumi.<stack>.yaml: that stack's preview, and nothing to release. Release state (msa:releases)
 * is written by the pipeline to the branch deployments/<stack>, never to main; a change of it here
 * is not a new build of anything, so it releases no service (else a release would start another).
 */
const stackConfig: PathClassifier = {
  owns: (file) => stackOfFile(file) !== undefined,
  classify(file, _parts, cx) {
    const stack = stackOfFile(file)!;
    if (cx.tree.read(file) === undefined) return cx.findings.ignore(file);
    cx.findings.addStack(stack, `${file} changed`);
  },
};

/** package-lock.json: the services whose locked runtime closure changed (see reach.ts). */
const lockfile: PathClassifier = {
  owns: (file) => file === 'package-lock.json',
  classify(_file, _parts, cx) {
    cx.findings.lockfileChanged = true;
  },
};

/** The root package.json: every service when it changes what builds see (not its scripts or description). */
const rootManifest: PathClassifier = {
  owns: (file) => file === 'package.json',
  async classify(file, _parts, cx) {
    const strip = (t: string | undefined) => {
      if (t === undefined) return '';
      const { scripts: _s, description: _d, ...rest } = JSON.parse(t) as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    if (strip(await cx.git.show(cx.mergeBase, 'package.json')) !== strip(cx.tree.read('package.json'))) {
      cx.findings.everyService.push('the root package.json (toolchain or workspaces) changed');
    } else {
      cx.findings.ignore(file);
    }
  },
};

const ROOT_TOOLCHAIN = new Set(['tsconfig.base.json']);

const rootToolchain: PathClassifier = {
  owns: (file) => ROOT_TOOLCHAIN.has(file),
  classify(file, _parts, cx) {
    cx.findings.everyService.push(`${file} (TypeScript settings of every workspace) changed`);
  },
};

const CLASSIFIERS: PathClassifier[] = [serviceFolder, sharedPackage, infraCode, pulumiProject, stackConfig, lockfile, rootManifest, rootToolchain];

/** Hands a changed path to the one classifier that owns it; a path none owns shapes no service (docs, pipelines, workflows). */
export async function classifyPath(file: string, cx: ChangeContext): Promise<void> {
  const parts = file.split('/');
  const classifier = CLASSIFIERS.find((c) => c.owns(file, parts, cx));
  if (classifier) await classifier.classify(file, parts, cx);
  else cx.findings.ignore(file);
}
