import type { Release } from '@msa/catalog';

// What a stack runs of one service (msa:releases.<service>) is the catalog's contract with infra.
export { releaseSchema, releasesSchema, type Release, type Releases } from '@msa/catalog';

/** The sha256 digest inside an image reference or artifact reference. */
export function digestOf(image: string): string | undefined {
  return /sha256:[0-9a-f]{64}/.exec(image)?.[0];
}

export function sameArtifact(a: Release | undefined, b: Release | undefined): boolean {
  if (!a || !b) return false;
  const da = digestOf(a.image);
  const db = digestOf(b.image);
  return da !== undefined ? da === db : a.image === b.image;
}
