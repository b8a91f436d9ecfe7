import { randomBytes } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import type { Catalog } from '@msa/catalog';

export interface ServiceDatabase {
  name: string;
  role: string;
  password: string;
  url: string;
}

/**
 * Gives a service its own database and role: the role owns the database, and PUBLIC loses CONNECT,
 * so no other service's role can even open it.
 */
export async function createServiceDatabase(superuserUrl: string, name: string): Promise<ServiceDatabase> {
  const password = randomBytes(12).toString('hex');
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await client.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
    await client.query(`CREATE DATABASE "${name}" OWNER "${name}"`);
    await client.query(`REVOKE ALL ON DATABASE "${name}" FROM PUBLIC`);
  } finally {
    await client.end();
  }
  const u = new URL(superuserUrl);
  return { name, role: name, password, url: `postgres://${name}:${password}@${u.host}/${name}` };
}

export async function dropServiceDatabase(superuserUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`DROP ROLE IF EXISTS "${name}"`);
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
