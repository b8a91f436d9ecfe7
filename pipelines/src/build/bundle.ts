import { existsSync, renameSync, statSync } from 'node:fs';
import { create } from 'tar';
import type { Service } from '@msa/catalog';
import { artifactFiles, storeArtifact } from '@msa/service-kit/artifact';
import { buildService } from '@msa/service-kit/build';

export interface PackedArtifact {
  /** The artifact's digest (service-kit's artifactDigest): the same one the local stack checks. */
  digest: string;
  /** The stored folder the local stack runs (.local/artifacts/<svc>/sha256-<hex>/). */
  dir: string;
  /** The same files as a tarball beside it, to hand on (a CI workflow artifact). */
  file: string;
  files: number;
  bytes: number;
}

/**
 * Builds the service's bundle exactly as every launcher runs it (service-kit's buildService:
 * dist/main.mjs), stores that artifact under its digest, and packs the stored copy into a
 * reproducible tarball named by the same digest.
 */
export async function buildArtifact(root: string, service: Pick<Service, 'name' | 'dir'>): Promise<PackedArtifact> {
  await buildService(service.dir);
  const stored = storeArtifact(root, service.name, service.dir);
  const files = artifactFiles(stored.dir);
  const file = `${stored.dir}.tgz`;
  if (!existsSync(file)) {
    const tmp = `${stored.dir}.tmp-${process.pid}.tgz`;
    await create({ file: tmp, cwd: stored.dir, gzip: { level: 9 }, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
    renameSync(tmp, file);
  }
  return { digest: stored.digest, dir: stored.dir, file, files: files.length, bytes: statSync(file).size };
}

