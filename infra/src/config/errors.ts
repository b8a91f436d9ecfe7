import { stackFileName } from '@msa/catalog';
/** One wrong or missing stack config key. */
export interface ConfigProblem {
  /** The full config key, e.g. `msa:database.instanceClass`. */
  key: string;
  message: string;
}

/** Raised before any resource is registered: names the stack, each key and what was expected. */
export class StackConfigError extends Error {
  readonly stackName: string;
  readonly problems: ConfigProblem[];
  constructor(stack: string, problems: ConfigProblem[]) {
    super(
      `Stack "${stack}" has invalid config (${stackFileName(stack)}); nothing was deployed:\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n'),
    );
    this.name = 'StackConfigError';
    this.stackName = stack;
    this.problems = problems;
  }
}

/** Turns a path inside the `msa:` namespace into the key a user writes in the YAML. */
export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `msa:${head ?? ''}${rest.length ? `.${rest.join('.')}` : ''}`;
}
