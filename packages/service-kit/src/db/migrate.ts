import { existsSync } from 'node:fs';
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import type { Logger } from 'pino';

// Beside the bundle once built (dist/kit-migrations), in the package when run from source.
const KIT_MIGRATIONS = [path.join(import.meta.dirname, 'kit-migrations'), path.resolve(import.meta.dirname, '../../migrations')].find((d) =>
  existsSync(d),
)!;

/**
 * Applies the kit's tables (outbox, processed messages) and then the service's own versioned SQL.
 * node-pg-migrate holds a Postgres advisory lock; with mode "wait" a second replica starting at the
 * same moment waits for the first and then finds nothing left to do.
 */
export async function migrate(databaseUrl: string | pg.ClientConfig, serviceMigrationsDir: string, log?: Logger): Promise<string[]> {
  const applied: string[] = [];
  const common = {
    databaseUrl,
    direction: 'up' as const,
    advisoryLockMode: 'wait' as const,
    singleTransaction: true,
    checkOrder: true,
    log: (msg: string) => log?.debug({ msg }, 'migration'),
  };
  for (const [dir, table] of [
    [KIT_MIGRATIONS, 'kit_migrations'],
    [serviceMigrationsDir, 'service_migrations'],
  ] as const) {
    const done = await runner({ ...common, dir, migrationsTable: table });
    applied.push(...done.map((m) => m.name));
  }
  if (applied.length > 0) log?.info({ applied }, 'migrations applied');
  return applied;
}
