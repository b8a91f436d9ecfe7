import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const STACK_FILE = /^Pulumi\.([\w.-]+)\.yaml$/;

/** Names of the stacks that have a Pulumi.<stack>.yaml beside Pulumi.yaml. */
export function listStacks(root: string): string[] {
  return readdirSync(root)
    .map((f) => STACK_FILE.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** A stack file's `config:` block, structured values as the CLI passes them (JSON strings). */
export function readStackFile(root: string, stack: string): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    flat[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return flat;
}
