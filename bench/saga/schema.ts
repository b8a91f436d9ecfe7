import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The "Up" half of versioned SQL migrations (node-pg-migrate's SQL format), in file order: the
 * references build their tables from the services' own migrations, so their rows are the same shape.
 */
export function upMigrations(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8').split('-- Down Migration')[0]!)
    .join('\n');
}

export const kitMigrations = (root: string) => path.join(root, 'packages', 'service-kit', 'migrations');
export const serviceMigrations = (root: string, service: string) => path.join(root, 'apps', service, 'migrations');
