import { z } from 'zod';

/** What a stack runs of one service: the contract with infra (msa:releases.<service>). */
export const releaseSchema = z
  .object({
    version: z.string().min(1, 'a version string'),
    image: z.string().min(1, 'an image reference (repo@sha256:<digest> or a local reference)'),
    commit: z.string().regex(/^[0-9a-f]{7,40}$/, 'a git commit sha'),
  })
  .strict();

export type Release = z.infer<typeof releaseSchema>;

export const releasesSchema = z.record(z.string(), releaseSchema);

export type Releases = Record<string, Release>;

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
