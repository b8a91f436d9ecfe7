import { z } from 'zod';
import { bootstrapStackConfigSchema } from '../bootstrap/config.ts';
import { registryStackConfigSchema } from '../registry/registry.ts';
import { localStackConfigSchema } from '../targets/local/config.ts';
import { awsStackConfigSchema } from './aws-schema.ts';

/**
 * The schema of any stack: a union on `msa:target`, one schema per target (`aws` environments in
 * infra/src/targets/aws, the shared image `registry`, the account's and repository's `bootstrap`, `local` in
 * infra/src/targets/local).
 */
export const stackConfigSchema = z.discriminatedUnion('target', [awsStackConfigSchema, registryStackConfigSchema, bootstrapStackConfigSchema, localStackConfigSchema]);

export type StackConfig = z.infer<typeof stackConfigSchema>;
