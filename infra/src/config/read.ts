import * as pulumi from '@pulumi/pulumi';
import { stackFileName } from '@msa/catalog';
import type { z } from 'zod';
import { StackConfigError, configKey } from './errors.ts';

export const CONFIG_NAMESPACE = 'msa';

/**
 * The stack's `msa:` config as plain values. The CLI hands structured values over as JSON strings;
 * scalars stay strings, so the schema sees exactly what the YAML says.
 */
export function readRawConfig(): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    raw[key.slice(CONFIG_NAMESPACE.length + 1)] = decode(value);
  }
  return raw;
}

function decode(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Validates raw config with a schema, or stops with every problem named by key and stack. */
export function parseWith<S extends z.ZodType>(schema: S, stack: string, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new StackConfigError(
    stack,
    result.error.issues.map((i) => ({ key: configKey(i.path), message: i.message })),
  );
}

/** A stack nobody configured: the CLI gives it an empty config, so say which stacks do exist. */
export function assertKnownStack(stack: string, raw: Record<string, unknown>, knownStacks: string[]): void {
  if (raw.target !== undefined) return;
  const known = knownStacks.length ? knownStacks.join(', ') : 'none';
  throw new StackConfigError(stack, [
    {
      key: 'msa:target',
      message: `unknown stack "${stack}": no ${stackFileName(stack)} with msa:target ("aws", "registry" or "local"); stacks with config: ${known}`,
    },
  ]);
}
