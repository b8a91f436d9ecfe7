import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceDatabase, dropServiceDatabase } from '../src/index.ts';
import { connectionSettings } from '@msa/local-servers';
import { randomBytes } from 'node:crypto';

const admin = connectionSettings().postgres.url;
const id = randomBytes(3).toString('hex');
const names = [`iso${id}_order_svc`, `iso${id}_inventory_svc`];
const dbs: Awaited<ReturnType<typeof createServiceDatabase>>[] = [];

beforeAll(async () => {
  for (const n of names) dbs.push(await createServiceDatabase(admin, n));
});

afterAll(async () => {
  for (const n of names) await dropServiceDatabase(admin, n);
});

async function connectAs(role: { role: string; password: string }, database: string) {
  const u = new URL(admin);
  const client = new pg.Client({ host: u.hostname, port: Number(u.port), user: role.role, password: role.password, database });
  await client.connect();
  return client;
}

describe('each service owns its database', () => {
  it('lets a service use its own database', async () => {
    const [own] = dbs;
    const client = await connectAs(own!, own!.name);
    await client.query('CREATE TABLE t (x int)');
    await client.query('INSERT INTO t VALUES (1)');
    expect((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(1);
    await client.end();
  });

  it("refuses one service's role at another service's database", async () => {
    const [order, inventory] = dbs;
    await expect(connectAs(inventory!, order!.name)).rejects.toThrow(/permission denied for database/);
    await expect(connectAs(order!, inventory!.name)).rejects.toThrow(/permission denied for database/);
  });

  it("checks passwords: a wrong one, or another service's, does not open a service's own database", async () => {
    const [order, inventory] = dbs;
    await expect(connectAs({ role: order!.role, password: 'not-the-password' }, order!.name)).rejects.toThrow(/password authentication failed/);
    await expect(connectAs({ role: inventory!.role, password: order!.password }, inventory!.name)).rejects.toThrow(/password authentication failed/);
  });

  it('lets no one in as the superuser over TCP, with or without a password (only the local admin, over its socket)', async () => {
    await expect(connectAs({ role: 'postgres', password: '' }, 'postgres')).rejects.toThrow(/pg_hba.conf rejects connection/);
    await expect(connectAs({ role: 'postgres', password: 'guess' }, 'postgres')).rejects.toThrow(/pg_hba.conf rejects connection/);
  });

  it('gives a service role no power over the server', async () => {
    const [order] = dbs;
    const client = await connectAs(order!, order!.name);
    await expect(client.query('CREATE DATABASE sneaky')).rejects.toThrow(/permission denied to create database/);
    await expect(client.query('CREATE ROLE sneaky')).rejects.toThrow(/permission denied to create role/);
    await client.end();
  });
});
