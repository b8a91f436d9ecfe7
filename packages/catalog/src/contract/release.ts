import { z } from 'zod';

/** The stack config key that holds what a stack runs of each service; the pipeline writes it, infra reads it. */
export const RELEASES_KEY = 'msa:releases';

/** What a stack runs of one service (msa:releases.<service>): the same record on every target. */
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
