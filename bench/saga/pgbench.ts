import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findPostgresBinDir } from '@msa/local-servers';
import { createServiceDatabase, dropServiceDatabase } from '@msa/system-tests';
import { kitMigrations, serviceMigrations, upMigrations } from './schema.ts';
import { round } from './stats.ts';

const run = promisify(execFile);
const SCRIPTS = path.join(import.meta.dirname, 'pgbench');
const PREFILLED_ORDERS = 100_000;

export interface PgbenchResult {
  tps: number;
  transactionsPerSaga: number;
  sagasPerSec: number;
  clients: number;
  seconds: number;
  scripts: string[];
  /** The same scripts without their pg_notify: what the outbox's wake-up costs the database. */
  withoutNotify: { tps: number; sagasPerSec: number };
}

/** Parses pgbench's summary; throws with its output when the figure is missing (a failed run). */
export function parseTps(output: string): number {
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
  if (!m) throw new Error(`pgbench printed no tps; its output:\n${output}`);
  return Number(m[1]);
}

export const withoutNotify = (script: string) =>
  script
    .split('\n')
    .filter((l) => !l.includes('pg_notify('))
    .join('\n');

/**
 * The database's limit for this saga: pgbench runs one script per transaction of the saga, equally
 * often, on a database of its own on the same server with the services' tables, and the limit is
 * its TPS divided by the transactions one saga takes.
 */
export async function pgbenchLimit(opts: { root: string; superuserUrl: string; skus: number; clients: number; seconds: number; id: string }): Promise<PgbenchResult> {
  const db = await createServiceDatabase(opts.superuserUrl, `bench_saga_pgbench_${opts.id}`);
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      for (const dir of [kitMigrations(opts.root), ...['order', 'inventory', 'delivery'].map((s) => serviceMigrations(opts.root, s))]) {
        await client.query(upMigrations(dir));
      }
      await client.query(`INSERT INTO stock (sku, available) SELECT 'bench-' || g, 1000000000 FROM generate_series(0, $1::int - 1) g`, [opts.skus]);
      await client.query(
        `INSERT INTO orders (id, status, items, address, delivery_fee, fee_source)
         SELECT md5(g::text)::uuid, 'PENDING', '[{"sku":"bench-1","quantity":1}]', g || ' Bench Street', 4.99, 'quote' FROM generate_series(1, $1::int) g`,
        [PREFILLED_ORDERS],
      );
      await client.query('VACUUM ANALYZE');
    } finally {
      await client.end();
    }
    const scripts = readdirSync(SCRIPTS).filter((f) => f.endsWith('.sql')).sort();
    const u = new URL(db.url);
    const binDir = findPostgresBinDir();
    if (!binDir) throw new Error("PostgreSQL's binaries (pgbench) are not installed: run npm run servers -- install");
    const bin = path.join(binDir, 'pgbench');
    const pgbench = async (dir: string) => {
      const args = ['-n', '-M', 'extended', '-c', String(opts.clients), '-j', '2', '-T', String(opts.seconds)];
      args.push('-D', `skus=${opts.skus}`, '-D', `orders=${PREFILLED_ORDERS}`, '-h', u.hostname, '-p', u.port, '-U', db.role);
      for (const s of scripts) args.push('-f', path.join(dir, s));
      args.push(db.name);
      const { stdout, stderr } = await run(bin, args, { env: { ...process.env, PGPASSWORD: db.password }, maxBuffer: 16 * 1024 * 1024 });
      return parseTps(stdout + stderr);
    };
    const tps = await pgbench(SCRIPTS);
    // NOTIFY takes a lock shared by every database of the server at commit (PostgreSQL's async.c),
    // so notifying commits queue behind each other: measured here by the same run without it.
    const quiet = mkdtempSync(path.join(tmpdir(), 'bench-saga-pgbench-'));
    let quietTps: number;
    try {
      for (const s of scripts) writeFileSync(path.join(quiet, s), withoutNotify(readFileSync(path.join(SCRIPTS, s), 'utf8')));
      quietTps = await pgbench(quiet);
    } finally {
      rmSync(quiet, { recursive: true, force: true });
    }
    const n = scripts.length;
    return {
      tps: round(tps, 1),
      transactionsPerSaga: n,
      sagasPerSec: round(tps / n, 1),
      clients: opts.clients,
      seconds: opts.seconds,
      scripts,
      withoutNotify: { tps: round(quietTps, 1), sagasPerSec: round(quietTps / n, 1) },
    };
  } finally {
    await dropServiceDatabase(opts.superuserUrl, db.name);
  }
}
