import { readdirSync } from 'node:fs';

/** The cloud stacks, in the order a release moves through them (the promotion chain). */
export const CLOUD_STACKS = ['dev', 'test', 'staging', 'prod'] as const;

/** The stack on this machine. */
export const LOCAL_STACK = 'local';

const STACK_FILE = /^Pulumi\.([\w.-]+)\.yaml$/;

/** The file beside Pulumi.yaml that holds a stack's config. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/** The stack a file name configures, or undefined for any other file. */
export function stackOfFile(file: string): string | undefined {
  return STACK_FILE.exec(file)?.[1];
}

/** Names of the stacks that have a Pulumi.<stack>.yaml in `root`, sorted. */
export function listStacks(root: string): string[] {
  return readdirSync(root)
    .map(stackOfFile)
    .filter((s): s is string => s !== undefined)
    .sort();
}
