import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings } from '@msa/local-servers';
import { ROLE_BOOTSTRAP_COMMAND, ROLE_BOOTSTRAP_SQL } from '../src/service/database-roles.ts';

/**
 * The job that gives each cloud service its own database role, run for real: the same command line and SQL against the
 * shared PostgreSQL server, as a master user that is no superuser (RDS's master user has CREATEDB and CREATEROLE, not
 * SUPERUSER) and owns the database, as RDS creates it.
 */
const server = connectionSettings().postgres;
const suffix = randomBytes(4).toString('hex');
const names = { master: `roles_master_${suffix}`, app: `roles_app_${suffix}`, other: `roles_other_${suffix}`, db: `roles_db_${suffix}` };
const appPassword = randomBytes(12).toString('hex');
// Passwords are checked (SCRAM over TCP), as RDS does: the master and the other role have their own.
const masterPassword = randomBytes(12).toString('hex');
const otherPassword = randomBytes(12).toString('hex');
const passwords: Record<string, string> = { [names.app]: appPassword, [names.master]: masterPassword, [names.other]: otherPassword };

const client = (user: string, database: string) => new pg.Client({ host: server.host, port: server.port, user, database, password: passwords[user] ?? 'unused' });
/** The local admin logs in over the servers' private socket only. */
async function asAdmin<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

/** Runs the job's command as its container would, with the Secret's variables. */
function runJob(): { status: number | null; output: string } {
  const [cmd, ...args] = ROLE_BOOTSTRAP_COMMAND;
  const r = spawnSync(cmd!, args, {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH, PGHOST: server.host, PGPORT: String(server.port), PGDATABASE: names.db, PGUSER: names.master, PGPASSWORD: masterPassword,
      BOOTSTRAP_SQL: ROLE_BOOTSTRAP_SQL, APP_ROLE: names.app, APP_PASSWORD: appPassword,
    },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

beforeAll(async () => {
  await asAdmin(async (c) => {
    await c.query(`CREATE ROLE ${names.master} LOGIN CREATEDB CREATEROLE PASSWORD '${masterPassword}'`);
    await c.query(`CREATE ROLE ${names.other} LOGIN PASSWORD '${otherPassword}'`);
    await c.query(`CREATE DATABASE ${names.db} OWNER ${names.master}`);
  });
});

afterAll(async () => {
  await asAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${names.db} WITH (FORCE)`);
    for (const role of [names.app, names.other, names.master]) await c.query(`DROP ROLE IF EXISTS ${role}`);
  });
});

describe("the database-roles job, run against PostgreSQL as a non-superuser master", () => {
  it('creates the service role, which owns its database and may create its tables; running again changes nothing', async () => {
    for (const attempt of [1, 2]) {
      const job = runJob();
      expect(job.status, `run ${attempt}: ${job.output}`).toBe(0);
    }
    const app = client(names.app, names.db);
    await app.connect();
    try {
      await app.query('CREATE TABLE orders (id int PRIMARY KEY)');
      await app.query('INSERT INTO orders VALUES (1)');
      const { rows } = await app.query<{ owner: string; superuser: boolean; createrole: boolean }>(
        `SELECT pg_get_userbyid(d.datdba) AS owner, r.rolsuper AS superuser, r.rolcreaterole AS createrole
           FROM pg_database d, pg_roles r WHERE d.datname = current_database() AND r.rolname = current_user`);
      expect(rows[0]).toEqual({ owner: names.app, superuser: false, createrole: false });
    } finally {
      await app.end();
    }
  });

  it('leaves no other role able to connect', async () => {
    const other = client(names.other, names.db);
    await expect(other.connect()).rejects.toThrow(/permission denied for database/);
    await other.end().catch(() => {});
  });

  it('fails loudly, naming the problem, when the master user cannot create roles', async () => {
    await asAdmin((c) => c.query(`ALTER ROLE ${names.master} NOCREATEROLE`));
    try {
      await asAdmin((c) => c.query(`DROP ROLE IF EXISTS roles_fresh_${suffix}`));
      const [cmd, ...args] = ROLE_BOOTSTRAP_COMMAND;
      const r = spawnSync(cmd!, args, {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH, PGHOST: server.host, PGPORT: String(server.port), PGDATABASE: names.db, PGUSER: names.master, PGPASSWORD: masterPassword,
          BOOTSTRAP_SQL: ROLE_BOOTSTRAP_SQL, APP_ROLE: `roles_fresh_${suffix}`, APP_PASSWORD: 'x',
        },
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/permission denied to create role/);
    } finally {
      await asAdmin((c) => c.query(`ALTER ROLE ${names.master} CREATEROLE`));
    }
  });
});
