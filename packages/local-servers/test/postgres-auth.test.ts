import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, loadConfig, type ServersConfig } from '../src/config.ts';
import { startPostgres, stopPostgres } from '../src/postgres/server.ts';
import { isRoot } from '../src/system.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const modeOf = (p: string) => statSync(p).mode & 0o777;
/** Connects and disconnects; resolves to the SQLSTATE of the refusal, or 'ok'. */
async function attempt(config: pg.ClientConfig): Promise<string> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A private PostgreSQL on a free port in a temporary folder: the shared one on 55432 is not touched. */
describe('local PostgreSQL authentication (a private server)', () => {
  let root: string;
  let config: ServersConfig;
  let admin: string;
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'msa-pg-auth-'));
    // Open to search, as /tmp or a home folder is: the project's own folders below it are setup's business.
    chmodSync(root, 0o711);
    config = loadConfig({ MSA_LOCAL_DIR: path.join(root, 'local'), MSA_PG_PORT: String(await freePort()) });
    await startPostgres(config, () => {});
    admin = connectionSettings(config).postgres.url;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query("CREATE ROLE svc_a LOGIN PASSWORD 'right-password-a'");
    await client.query('CREATE DATABASE svc_a OWNER svc_a');
    await client.query('REVOKE ALL ON DATABASE svc_a FROM PUBLIC');
    await client.query("CREATE ROLE svc_b LOGIN PASSWORD 'right-password-b'");
    await client.end();
  }, 120_000);
  afterAll(async () => {
    if (config) await stopPostgres(config, () => {});
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  const tcp = (user: string, password: string | undefined, database = 'svc_a') => ({ host: '127.0.0.1', port: config.postgres.port, user, password, database });

  it('lets the admin in over the socket only, as a superuser', async () => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    const { rows } = await client.query("SELECT current_setting('is_superuser') AS su, inet_server_addr() AS addr");
    await client.end();
    expect(rows).toEqual([{ su: 'on', addr: null }]);
  });

  it('refuses the admin role over TCP, with or without a password (no superuser reachable from a port)', async () => {
    expect(await attempt(tcp('postgres', undefined, 'postgres'))).toBe('28000');
    expect(await attempt(tcp('postgres', 'anything', 'postgres'))).toBe('28000');
  });

  it("checks a service role's password over TCP: the right one opens its database, a wrong one fails", async () => {
    expect(await attempt(tcp('svc_a', 'right-password-a'))).toBe('ok');
    expect(await attempt(tcp('svc_a', 'wrong-password'))).toBe('28P01');
  });

  it('stores passwords as SCRAM-SHA-256 verifiers', async () => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    const { rows } = await client.query("SELECT rolname, left(rolpassword, 14) AS kind FROM pg_authid WHERE rolname LIKE 'svc_%' ORDER BY 1");
    await client.end();
    expect(rows).toEqual([{ rolname: 'svc_a', kind: 'SCRAM-SHA-256$' }, { rolname: 'svc_b', kind: 'SCRAM-SHA-256$' }]);
  });

  it("keeps another service's role out of a database it does not own, even with its own right password", async () => {
    expect(await attempt(tcp('svc_b', 'right-password-b'))).toBe('42501');
  });

  it('refuses service roles on the socket (no peer, no trust)', async () => {
    expect(await attempt({ host: config.postgres.socketDir, port: config.postgres.port, user: 'svc_a', password: 'right-password-a', database: 'svc_a' })).toBe('28000');
  });

  it('keeps the socket folder, the data and the auth files private to the server user', () => {
    expect(modeOf(config.postgres.socketDir)).toBe(0o700);
    expect(modeOf(config.postgres.dataDir)).toBe(0o700);
    for (const f of ['pg_hba.conf', 'pg_ident.conf']) expect(modeOf(path.join(config.postgres.dataDir, f)), f).toBe(0o600);
  });
});

describe('setting up PostgreSQL under a closed folder', () => {
  it('changes no permission outside the project folder (MSA_LOCAL_DIR): as root it stops and names the folder instead', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'msa-pg-closed-'));
    chmodSync(outside, 0o700);
    const localDir = path.join(outside, 'project', '.local');
    mkdirSync(localDir, { recursive: true });
    const projectMode = modeOf(path.dirname(localDir));
    const config = loadConfig({ MSA_LOCAL_DIR: localDir, MSA_PG_PORT: String(await freePort()) });
    try {
      const started = startPostgres(config, () => {});
      if (isRoot()) await expect(started).rejects.toThrow(new RegExp(`no search permission on ${outside}`));
      else await started;
      expect(modeOf(outside)).toBe(0o700);
      expect(modeOf(path.dirname(localDir))).toBe(projectMode);
    } finally {
      await stopPostgres(config, () => {}).catch(() => {});
      rmSync(outside, { recursive: true, force: true });
    }
  }, 120_000);
});
