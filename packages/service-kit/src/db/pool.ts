import pg from 'pg';
import { transactionEnded } from '../events/outbox-signal.ts';
import { sessionSettings, type SessionLimits } from './session.ts';

export type Pool = pg.Pool;
export type Tx = pg.PoolClient;

/**
 * `connection`: a URL, or the settings databaseConfig derived from one (with TLS).
 * `limits`: timeouts and keepalive every session gets (see sessionSettings); pg's defaults (none) without.
 */
export function createPool(connection: string | pg.ClientConfig, onError: (error: Error) => void, max = 10, limits?: SessionLimits): Pool {
  const config = typeof connection === 'string' ? { connectionString: connection } : connection;
  // Short connect timeout: readiness must flip quickly when the database goes away.
  const pool = new pg.Pool({ ...config, ...(limits && sessionSettings(limits)), max, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 30_000 });
  // An idle connection the server closed is dropped from the pool; without a listener it would crash the process.
  pool.on('error', onError);
  // A checked-out client whose server goes away (a restart: 57P01) emits 'error' too; the query in
  // flight, if any, fails on its own, and the pool discards the client when it comes back.
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** Runs fn in one transaction: a state change and its outbox rows commit together, or not at all. */
export async function withTransaction<T>(pool: Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no listener of the pool's: a server that ends the session between two
  // queries (a restart, pg_terminate_backend) would otherwise crash the process with an 'error' event.
  // The failure reaches fn through its next query; the broken client is destroyed, not pooled.
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    transactionEnded(pool, client, true);
    return result;
  } catch (error) {
    transactionEnded(pool, client, false);
    if (!broken) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken ?? false);
  }
}
