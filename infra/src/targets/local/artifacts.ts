import type { Catalog } from '@msa/catalog';
import { openStoredArtifact, referencedDigest } from '@msa/service-kit/artifact';
import { buildService } from '@msa/service-kit/build';
import { StackConfigError, type ConfigProblem } from '../../config/errors.ts';
import type { LocalStackConfig } from './config.ts';

/** What one service's processes run: a folder holding the artifact (dist/main.mjs and what it reads), and its digest. */
export interface LocalArtifact {
  digest: string;
  dir: string;
}

/**
 * Per service, the artifact this stack runs. A release that names a digest (`pipeline build`'s
 * `local/msa/<svc>@sha256:…`) runs the stored artifact with exactly that digest, checked before
 * anything starts: the same bytes that passed the previous stage. A service with no such release
 * runs the working tree's build, rebuilt only when its inputs changed.
 */
export async function localArtifacts(stack: string, config: LocalStackConfig, catalog: Catalog, root: string): Promise<Record<string, LocalArtifact>> {
  const artifacts: Record<string, LocalArtifact> = {};
  const problems: ConfigProblem[] = [];
  for (const service of catalog.services) {
    const digest = referencedDigest(config.releases[service.name]?.image ?? '');
    if (!digest) {
      artifacts[service.name] = { digest: (await buildService(service.dir)).digest, dir: service.dir };
      continue;
    }
    try {
      artifacts[service.name] = { digest, dir: openStoredArtifact(root, service.name, digest) };
    } catch (err) {
      problems.push({ key: `msa:releases.${service.name}.image`, message: (err as Error).message });
    }
  }
  if (problems.length > 0) throw new StackConfigError(stack, problems);
  return artifacts;
}
