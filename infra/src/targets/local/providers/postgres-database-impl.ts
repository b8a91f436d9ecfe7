import pg from 'pg';
import { loadConfig } from '@msa/local-servers';
import { createOwnedDatabase, dropOwnedDatabase, newRolePassword, ownedDatabaseUrl } from '@msa/service-kit/provision';
import type { PostgresServer } from './postgres-database.ts';

interface Inputs {
  server: PostgresServer;
  name: string;
}
interface Outputs extends Inputs {
  role: string;
  password: string;
  url: string;
}

/**
 * The admin connects over the local servers' private unix socket (peer authentication): pg_hba.conf refuses the
 * superuser over TCP, where only the services' own roles log in, with their passwords.
 */
async function withAdmin<T>(server: PostgresServer, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const socketDir = loadConfig().postgres.socketDir;
  const client = new pg.Client({ host: socketDir, port: server.port, user: server.user, database: 'postgres', connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `cannot reach PostgreSQL on its socket in ${socketDir} (port ${server.port}) as ${server.user}: ${(err as Error).message} ` +
        '(start the local servers with `npm run servers -- start`)',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function check(_olds: Inputs, news: Inputs) {
  const failures = [];
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(news.name ?? '')) {
    failures.push({ property: 'name', reason: `"${news.name}" is not a lowercase SQL identifier` });
  }
  return { inputs: news, failures };
}

export async function create(inputs: Inputs) {
  const password = newRolePassword();
  const role = inputs.name;
  await withAdmin(inputs.server, async (client) => {
    const taken = await client.query('SELECT 1 FROM pg_database WHERE datname = $1 UNION ALL SELECT 1 FROM pg_roles WHERE rolname = $1', [inputs.name]);
    if (taken.rowCount) {
      throw new Error(`database or role "${inputs.name}" already exists on ${inputs.server.host}:${inputs.server.port}: another stack owns it, or it was left behind`);
    }
    await createOwnedDatabase(client, { name: inputs.name, role, password });
  });
  const outs: Outputs = { ...inputs, role, password, url: ownedDatabaseUrl(inputs.server, { name: inputs.name, role, password }) };
  return { id: inputs.name, outs };
}

export async function diff(_id: string, olds: Outputs, news: Inputs) {
  const replaces = [];
  if (olds.name !== news.name) replaces.push('name');
  if (olds.server.host !== news.server.host || olds.server.port !== news.server.port) replaces.push('server');
  const changes = replaces.length > 0 || olds.server.user !== news.server.user;
  return { changes, replaces, deleteBeforeReplace: true };
}

export async function update(_id: string, olds: Outputs, news: Inputs) {
  return { outs: { ...olds, server: news.server } };
}

export async function read(id: string, props: Outputs) {
  const exists = await withAdmin(props.server, async (client) => {
    const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [props.name]);
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [props.role]);
    return Boolean(db.rowCount && role.rowCount);
  });
  // An empty id tells the engine the database is gone, so refresh drops it and `up` recreates it.
  return exists ? { id, props } : { id: '', props: {} };
}

export async function remove(_id: string, props: Outputs) {
  await withAdmin(props.server, (client) => dropOwnedDatabase(client, props));
}
