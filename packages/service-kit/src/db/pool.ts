import pg from 'pg';

export type Pool = pg.Pool;
export type Tx = pg.PoolClient;

export function createPool(url: string, onError: (error: Error) => void, max = 10): Pool {
  // Short connect timeout: readiness must flip quickly when the database goes away.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 30_000 });
  // An idle connection the server closed is dropped from the pool; without a listener it would crash the process.
  pool.on('error', onError);
  return pool;
}

/** Runs fn in one transaction: a state change and its outbox rows commit together, or not at all. */
export async function withTransaction<T>(pool: Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
