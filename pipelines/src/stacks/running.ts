import { sameArtifact, type Release } from './release.ts';

/** What a stack reports running for a service; the local target reports versions, not images. */
export interface Running {
  version: string;
  image?: string;
  commit?: string;
}

/**
 * Reads what the stack runs from its outputs: `releases` (service → {version, image, commit}) when
 * the program exports it, else the local target's `services` (service → {version}).
 * Undefined when the stack reports neither, so callers can say "unknown" instead of guessing.
 */
export function runningReleases(outputs: Record<string, unknown> | undefined): Record<string, Running> | undefined {
  if (!outputs) return undefined;
  if (outputs.releases && typeof outputs.releases === 'object') return outputs.releases as Record<string, Running>;
  const services = outputs.services as Record<string, { version?: unknown }> | undefined;
  if (services && typeof services === 'object') {
    const out: Record<string, Running> = {};
    for (const [name, s] of Object.entries(services)) if (typeof s?.version === 'string') out[name] = { version: s.version };
    return out;
  }
  return undefined;
}

/** Does the stack run this release? By digest when the stack reports an image, else by version. */
export function runsRelease(running: Running | undefined, release: Release | undefined): boolean {
  if (!running || !release) return false;
  if (running.image) return sameArtifact(running as Release, release);
  return running.version === release.version;
}

export function describeRunning(r: Running): string {
  return r.image ? `${r.version} (${r.image})` : r.version;
}
