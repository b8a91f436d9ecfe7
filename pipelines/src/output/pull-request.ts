import { CLOUD_STACKS } from '@msa/catalog';
import { PROTECTED_ENVIRONMENTS } from '@msa/infra/config';

/**
 * The stacks a pull request previews: cloud stages whose state and secrets pull-request code may read (the bootstrap's
 * preview role reads dev's and test's, never staging's or prod's). `local` is this machine's stack, not the shared
 * backend's; `registry` and `bootstrap` are changed by an administrator.
 */
export function pullRequestPreviewStacks(stacks: string[]): string[] {
  const allowed = CLOUD_STACKS.filter((s) => !(PROTECTED_ENVIRONMENTS as readonly string[]).includes(s));
  return stacks.filter((s) => (allowed as readonly string[]).includes(s));
}

/** The platform's own code: a change here runs the platform's tests (npm test), whatever services it reaches. */
const PLATFORM_PATHS = [/^pipelines\//, /^\.github\//, /^infra\//, /^packages\//, /^tools\//, /^bench\//, /^monitoring\//, /^Pulumi\.[\w.-]*ya?ml$/, /^package(-lock)?\.json$/, /^vitest\.[\w.-]+\.ts$/, /^tsconfig[\w.-]*\.json$/];

export const touchesPlatform = (changedFiles: string[]): boolean => changedFiles.some((f) => PLATFORM_PATHS.some((p) => p.test(f)));
