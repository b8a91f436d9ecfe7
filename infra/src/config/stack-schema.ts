import { existsSync } from 'node:fs';
import { z } from 'zod';
import { registryStackConfigSchema } from '../registry/registry.ts';
import { awsStackConfigSchema } from './aws-schema.ts';

/** Where the local stack's program lives (owned by the local stack); cloud stacks run without it. */
export const LOCAL_PROGRAM_DIR = new URL('../local/', import.meta.url);

/**
 * The schema of any stack: a union on `msa:target` (`aws` environments, the shared image `registry`, `local`). The local stack's schema comes from its own module,
 * so a checkout without it still validates and deploys the cloud stacks.
 */
export async function stackConfigSchema() {
  const localConfig = new URL('config.ts', LOCAL_PROGRAM_DIR);
  if (!existsSync(localConfig)) return z.discriminatedUnion('target', [awsStackConfigSchema, registryStackConfigSchema]);
  const local = (await import(localConfig.href)) as { localStackConfigSchema: typeof awsStackConfigSchema };
  return z.discriminatedUnion('target', [awsStackConfigSchema, registryStackConfigSchema, local.localStackConfigSchema]);
}
