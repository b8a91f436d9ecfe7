import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Runtime } from '@msa/catalog';
import { entryFile, runtimeOf } from './runtime-of.ts';

/**
 * What a built service is, wherever it runs: the paths of its folder that the running code reads.
 * A Node.js service: its manifest, its catalog entry, its migrations and the esbuild bundle in
 * dist/. Another runtime: its catalog entry and the artifact its runtime names (a Go binary).
 * The container's runtime stage copies exactly these (see dockerfile.ts), `pipeline build` packs
 * exactly these, and the local stack runs a release from exactly these: one artifact, one digest.
 */
export const ARTIFACT_PATHS = ['package.json', 'service.yaml', 'migrations', 'dist'] as const;

export function artifactPaths(runtime: Runtime): readonly string[] {
  return runtime.language === 'node' ? ARTIFACT_PATHS : ['service.yaml', runtime.artifact];
}

/** Written by buildService beside the bundle to skip unchanged builds; not part of the artifact. */
export const BUILD_FINGERPRINT = '.inputs-sha256';

export interface ArtifactDigest {
  /** sha256 over every artifact file's path and bytes, in path order: the artifact's identity. */
  digest: string;
  bytes: number;
}

/** The artifact's files, relative to the service folder (posix separators), sorted. */
export function artifactFiles(serviceDir: string): string[] {
  const files: string[] = [];
  const visit = (rel: string) => {
    const abs = path.join(serviceDir, rel);
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs)) visit(path.posix.join(rel, name));
    else if (path.basename(rel) !== BUILD_FINGERPRINT) files.push(rel);
  };
  const runtime = runtimeOf(serviceDir);
  for (const p of artifactPaths(runtime)) if (existsSync(path.join(serviceDir, p))) visit(p);
  const entry = entryFile(runtime);
  if (!files.includes(entry)) throw new Error(`${serviceDir}: no ${entry}; build the service first (buildService)`);
  return files.sort();
}

/** The digest of the artifact held in a folder: a service folder after its build, or a stored copy. */
export function artifactDigest(dir: string): ArtifactDigest {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const rel of artifactFiles(dir)) {
    const data = readFileSync(path.join(dir, rel));
    bytes += data.length;
    // The length keeps file boundaries unambiguous.
    hash.update(rel).update('\0').update(String(data.length)).update('\0').update(data);
  }
  return { digest: `sha256:${hash.digest('hex')}`, bytes };
}

/** Where the artifacts of a repository's services are kept on this machine (git-ignored). */
export function artifactStoreDir(root: string, service: string): string {
  return path.join(root, '.local', 'artifacts', service);
}

/** The stored artifact with that digest: a folder named by it, runnable as it is. */
export function storedArtifactDir(root: string, service: string, digest: string): string {
  return path.join(artifactStoreDir(root, service), digest.replace(':', '-'));
}

/**
 * Copies a built service's artifact into the store, named by its digest. A copy that is there
 * already is the same bytes (its name is their digest), so it is kept as it is.
 */
export function storeArtifact(root: string, service: string, serviceDir: string): ArtifactDigest & { dir: string } {
  const built = artifactDigest(serviceDir);
  const dir = storedArtifactDir(root, service, built.digest);
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    for (const rel of artifactFiles(serviceDir)) {
      mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      cpSync(path.join(serviceDir, rel), path.join(tmp, rel));
    }
    const copied = artifactDigest(tmp);
    if (copied.digest !== built.digest) throw new Error(`${serviceDir} changed while it was stored (${built.digest} → ${copied.digest}); build again`);
    renameSync(tmp, dir);
  }
  return { ...built, dir };
}

/**
 * The stored artifact a release names, checked against its digest before anything runs it:
 * "promote the same artifact" means these bytes, not whatever the working tree holds now.
 */
export function openStoredArtifact(root: string, service: string, digest: string): string {
  const dir = storedArtifactDir(root, service, digest);
  if (!existsSync(dir)) throw new Error(`no artifact ${digest} of ${service} on this machine (${path.relative(root, dir)}); build it with \`pipeline build ${service}\` at the release's commit`);
  const found = artifactDigest(dir).digest;
  if (found !== digest) throw new Error(`${path.relative(root, dir)} holds ${found}, not ${digest}: the stored artifact was changed; remove it and build again`);
  return dir;
}

/** The sha256 digest an image or artifact reference names (`<repo>/<svc>@sha256:<hex>`), if any. */
export function referencedDigest(reference: string): string | undefined {
  return /sha256:[0-9a-f]{64}/.exec(reference)?.[0];
}
