import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import { topicName, type Catalog } from '@msa/catalog';
import { createOwnedDatabase, dropOwnedDatabase, newRolePassword, ownedDatabaseUrl } from '@msa/service-kit/provision';

export interface ServiceDatabase {
  name: string;
  role: string;
  password: string;
  url: string;
}

/** Gives a service its own database and role, as the local stack does (service-kit's provision). */
export async function createServiceDatabase(superuserUrl: string, name: string): Promise<ServiceDatabase> {
  const db = { name, role: name, password: newRolePassword() };
  await asSuperuser(superuserUrl, (client) => createOwnedDatabase(client, db));
  const u = new URL(superuserUrl);
  return { ...db, url: ownedDatabaseUrl({ host: u.hostname, port: u.port || 5432 }, db) };
}

export async function dropServiceDatabase(superuserUrl: string, name: string): Promise<void> {
  await asSuperuser(superuserUrl, (client) => dropOwnedDatabase(client, { name, role: name }));
}

async function asSuperuser(url: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Creates every catalog topic (and dead-letter topic) under a prefix. */
export async function createTopics(brokers: string[], catalog: Catalog, prefix: string, partitions = 3): Promise<string[]> {
  const admin = new Admin({ clientId: 'system-tests-admin', bootstrapBrokers: brokers });
  try {
    const topics = catalog.topics.map((t) => topicName(prefix, t));
    await admin.createTopics({ topics, partitions, replicas: 1 });
    return topics;
  } finally {
    await admin.close();
  }
}

export async function deleteTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: 'system-tests-admin', bootstrapBrokers: brokers });
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.close();
  }
}

/**
 * Makes a service's database refuse every connection (or accept them again), as an outage does:
 * ALLOW_CONNECTIONS false, then its open sessions are terminated (57P01), as a restart would.
 */
export async function setDatabaseAccepting(superuserUrl: string, name: string, accepting: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${accepting}`);
    if (!accepting) await terminate(client, name);
  } finally {
    await client.end();
  }
}

/** Terminates every session open on these databases, as a PostgreSQL restart does to its clients. */
export async function terminateSessions(superuserUrl: string, names: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    let n = 0;
    for (const name of names) n += await terminate(client, name);
    return n;
  } finally {
    await client.end();
  }
}

async function terminate(client: pg.Client, database: string): Promise<number> {
  const { rowCount } = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
    database,
  ]);
  return rowCount ?? 0;
}
