import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import type { Catalog } from '@msa/catalog';
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
    const topics = catalog.topics.map((t) => `${prefix}${t}`);
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
