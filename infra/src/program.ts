import * as pulumi from '@pulumi/pulumi';
import { CatalogError, findRepoRoot, listStacks, loadCatalog } from '@msa/catalog';
import { deployAws } from './targets/aws/program.ts';
import { deployLocal } from './targets/local/index.ts';
import { StackConfigError } from './config/errors.ts';
import { assertKnownStack, parseWith, readRawConfig } from './config/read.ts';
import { resolveCloudServices } from './config/services.ts';
import { stackConfigSchema } from './config/stack-schema.ts';
import { deployRegistry } from './registry/registry.ts';
import { deployBootstrap } from './bootstrap/bootstrap.ts';

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
  const root = findRepoRoot(import.meta.dirname);
  try {
    const raw = readRawConfig();
    assertKnownStack(stack, raw, listStacks(root));
    const config = parseWith(stackConfigSchema, stack, raw);
    const catalog = loadCatalog(options.catalogRoot ?? root);
    if (config.target === 'local') return await deployLocal(config, catalog);
    if (config.target === 'registry') return deployRegistry({ stack, environment: 'registry' }, config, catalog);
    if (config.target === 'bootstrap') return deployBootstrap({ stack, environment: 'bootstrap' }, config, catalog);
    const aws = config;
    const { specs: services, unreleased } = resolveCloudServices(stack, aws, catalog);
    for (const [name, why] of Object.entries(unreleased)) pulumi.log.info(`Stack "${stack}": ${name}: ${why}`);
    for (const name of Object.keys(aws.releases).filter((n) => !catalog.services.some((s) => s.name === n))) {
      pulumi.log.warn(`Stack "${stack}": msa:releases.${name} names no service in the catalog; it is ignored (remove it once the service is gone)`);
    }
    return { ...(await deployAws({ stack, environment: aws.environment }, aws, catalog, services)), unreleased };
  } catch (err) {
    // Config and catalog errors are written for the reader: the stack trace adds nothing.
    if (err instanceof StackConfigError || err instanceof CatalogError) Object.assign(err, { hideStack: true });
    throw err;
  }
}
