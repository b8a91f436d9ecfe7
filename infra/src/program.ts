import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { CatalogError, findRepoRoot, listStacks, loadCatalog, type Catalog } from '@msa/catalog';
import { deployAws } from './aws/program.ts';
import type { AwsStackConfig } from './config/aws-schema.ts';
import { StackConfigError } from './config/errors.ts';
import { assertKnownStack, parseWith, readRawConfig } from './config/read.ts';
import { planServices } from './config/services.ts';
import { LOCAL_PROGRAM_DIR, stackConfigSchema } from './config/stack-schema.ts';
import { deployRegistry, type RegistryStackConfig } from './registry/registry.ts';

export interface RunOptions {
  /** Folder whose apps/ holds the catalog; the repository root by default (tests point it at a temporary catalog). */
  catalogRoot?: string;
}

/**
 * The one program behind every stack. Config and catalog are read and checked here, once, before any
 * resource exists: a bad key, a missing image or an inconsistent catalog stops the run with nothing registered.
 */
export async function runStack(options: RunOptions = {}): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const root = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
  try {
    const raw = readRawConfig();
    assertKnownStack(stack, raw, listStacks(root));
    const config = parseWith(await stackConfigSchema(), stack, raw) as { target: string };
    const catalog = loadCatalog(options.catalogRoot ?? root);
    if (config.target === 'local') return await runLocal(config, catalog);
    if (config.target === 'registry') return deployRegistry({ stack, environment: 'registry' }, config as RegistryStackConfig, catalog);
    const aws = config as AwsStackConfig;
    const plans = planServices(stack, aws, catalog);
    for (const name of Object.keys(aws.releases).filter((n) => !catalog.services.some((s) => s.name === n))) {
      pulumi.log.warn(`Stack "${stack}": msa:releases.${name} names no service in the catalog; it is ignored (remove it once the service is gone)`);
    }
    return await deployAws({ stack, environment: aws.environment }, aws, catalog, plans);
  } catch (err) {
    // Config and catalog errors are written for the reader: the stack trace adds nothing.
    if (err instanceof StackConfigError || err instanceof CatalogError) Object.assign(err, { hideStack: true });
    throw err;
  }
}

async function runLocal(config: unknown, catalog: Catalog): Promise<Record<string, unknown>> {
  const entry = new URL('index.ts', LOCAL_PROGRAM_DIR).href;
  const local = (await import(entry)) as { deployLocal(config: unknown, catalog: Catalog): Promise<Record<string, unknown>> };
  return local.deployLocal(config, catalog);
}
