import pg from 'pg';
import { sleep } from './timeline.ts';

/** Runs fn on a fresh superuser connection, retrying the connect while the server restarts. */
export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>, retryForMs = 90_000): Promise<T> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await sleep(500);
      continue;
    }
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** The same PostgreSQL, connected to one service's database as the superuser (for the audit). */
export function databaseUrl(superuserUrl: string, database: string): string {
  const u = new URL(superuserUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Refuses every new connection to a database and cuts the open ones, as a failed-over or unreachable
 * database would look to its service; `allow` ends the outage.
 */
export async function refuseConnections(superuserUrl: string, database: string): Promise<void> {
  await withAdmin(superuserUrl, async (c) => {
    await c.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  });
}

export async function allowConnections(superuserUrl: string, database: string): Promise<void> {
  await withAdmin(superuserUrl, (c) => c.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`));
}
