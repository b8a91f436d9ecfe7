import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stackFileName } from '@msa/catalog';
import { parse } from 'yaml';

/** A stack file's `config:` block as the CLI hands it to a program (structured values as JSON strings), for runs under mocks. */
export function readStackFile(root: string, stack: string): Record<string, string> {
  const file = path.join(root, stackFileName(stack));
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    flat[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return flat;
}
