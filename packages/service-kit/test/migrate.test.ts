import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings } from '@msa/local-servers';
import { createServiceDatabase, dropServiceDatabase } from '@msa/system-tests';
import { migrate } from '../src/index.ts';

const admin = connectionSettings().postgres.url;
const name = `mig${randomBytes(3).toString('hex')}`;
let url: string;
const orderMigrations = path.resolve(import.meta.dirname, '../../../apps/order/migrations');
// Whatever versions the kit and the order service have today, each applied exactly once.
const versionsIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
const orderVersions = versionsIn(orderMigrations);
const kitVersions = versionsIn(path.resolve(import.meta.dirname, '../migrations'));

beforeAll(async () => {
  url = (await createServiceDatabase(admin, name)).url;
});
afterAll(async () => {
  await dropServiceDatabase(admin, name);
});

describe('versioned migrations', () => {
  it('apply once when two replicas start at the same moment', async () => {
    const [a, b] = await Promise.all([migrate(url, orderMigrations), migrate(url, orderMigrations)]);
    // One replica applied everything; the other waited on the advisory lock and found nothing to do.
    expect([...a, ...b].sort()).toEqual([...kitVersions, ...orderVersions].sort());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM service_migrations`);
    expect(rows[0].n).toBe(orderVersions.length);
    await client.end();
  });

  it('do nothing when run again', async () => {
    expect(await migrate(url, orderMigrations)).toEqual([]);
  });
});
