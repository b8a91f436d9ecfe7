import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings } from '@msa/local-servers';
import { createServiceDatabase, dropServiceDatabase } from '@msa/system-tests';
import { createPool, type Pool } from '../src/index.ts';

const servers = connectionSettings();
const name = `session${randomBytes(3).toString('hex')}`;
let url: string;
let pool: Pool;
const limits = { statementTimeoutMs: 1_500, lockTimeoutMs: 700, idleInTransactionTimeoutMs: 1_000, keepAliveIdleMs: 4_000 };

beforeAll(async () => {
  url = (await createServiceDatabase(servers.postgres.url, name)).url;
  pool = createPool(url, () => undefined, 4, limits);
  await pool.query('CREATE TABLE t (id int PRIMARY KEY)');
  await pool.query('INSERT INTO t VALUES (1)');
});

afterAll(async () => {
  await pool?.end();
  await dropServiceDatabase(servers.postgres.url, name);
});

describe('database sessions of a service', () => {
  it('run under the configured timeouts and TCP keepalive, set by the server from the first statement', async () => {
    const { rows } = await pool.query(
      `SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock,
              current_setting('idle_in_transaction_session_timeout') AS idle_tx, current_setting('tcp_keepalives_idle') AS keepalive`,
    );
    expect(rows[0]).toEqual({ statement: '1500ms', lock: '700ms', idle_tx: '1s', keepalive: '4' });
  });

  it("end a transaction its client left open (a frozen process), so its locks go to the next session in about the timeout", async () => {
    const frozen = await pool.connect();
    frozen.on('error', () => undefined);
    await frozen.query('BEGIN');
    await frozen.query('SELECT 1 FROM t WHERE id = 1 FOR UPDATE');
    await frozen.query('SELECT pg_advisory_xact_lock(42)');
    // The holder now says nothing, as a SIGSTOPped process would.
    const started = Date.now();
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      let got = false;
      while (!got && Date.now() - started < 5_000) {
        got = (await other.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(42) AS ok')).rows[0]!.ok;
        if (!got) await new Promise((r) => setTimeout(r, 100));
      }
      expect(got).toBe(true);
      expect(Date.now() - started).toBeLessThan(4_000); // 1 s timeout; headroom for a busy machine
      await other.query('SELECT 1 FROM t WHERE id = 1 FOR UPDATE NOWAIT');
    } finally {
      await other.end();
      frozen.release(true);
    }
  });

  it('give up waiting for a lock after lock_timeout, and stop a runaway statement after statement_timeout', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM t WHERE id = 1 FOR UPDATE');
      const started = Date.now();
      await expect(pool.query('UPDATE t SET id = 1 WHERE id = 1')).rejects.toMatchObject({ code: '55P03' });
      expect(Date.now() - started).toBeLessThan(3_000); // 0.7 s lock_timeout, not the 1.5 s statement_timeout or forever
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    await expect(pool.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
  });
});
