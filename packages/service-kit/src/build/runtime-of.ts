import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOG_FILE, CatalogError, parseServiceFile, type Runtime } from '@msa/catalog';

/**
 * How the service in `dir` is built and run: its catalog entry's `runtime`. Read from the folder
 * itself (the service folder, or a stored artifact, which carries its service.yaml), so a builder
 * or launcher given only a folder follows the catalog.
 */
export function runtimeOf(dir: string): Runtime {
  const file = path.join(dir, CATALOG_FILE);
  const parsed = parseServiceFile(file, readFileSync(file, 'utf8'));
  if (!parsed.entry) throw new CatalogError(parsed.issues);
  return parsed.entry.runtime;
}

/** The file every launcher runs, relative to the service's folder: the kit's bundle, or the runtime's artifact. */
export function entryFile(runtime: Runtime): string {
  return runtime.language === 'node' ? 'dist/main.mjs' : runtime.artifact;
}
