import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectionSettings } from '@msa/local-servers';
import { createServiceDatabase, dropServiceDatabase } from '@msa/system-tests';
import { createLogger, createMetrics, createPool, migrate, RetentionTask, type Pool } from '../src/index.ts';

const servers = connectionSettings();
const name = `retention${randomBytes(3).toString('hex')}`;
const DAY = 24 * 60 * 60 * 1000;
let url: string;
let pool: Pool;

beforeAll(async () => {
  url = (await createServiceDatabase(servers.postgres.url, name)).url;
  await migrate(url, path.resolve(import.meta.dirname, '../../../apps/inventory/migrations'));
  pool = createPool(url, () => undefined);
});

afterAll(async () => {
  await pool?.end();
  await dropServiceDatabase(servers.postgres.url, name);
});

beforeEach(async () => {
  await pool.query('TRUNCATE outbox, processed_messages');
});

function task(batchSize = 2) {
  return new RetentionTask({
    pool,
    outboxRetentionMs: 7 * DAY,
    processedRetentionMs: 14 * DAY,
    batchSize,
    intervalMs: 60_000,
    log: createLogger('retention-test', 'silent'),
    metrics: createMetrics('retention-test'),
  });
}

/** An outbox row written `ageDays` ago and published `publishedDaysAgo` ago (null: never). */
async function outboxRow(label: string, ageDays: number, publishedDaysAgo: number | null): Promise<void> {
  await pool.query(
    `INSERT INTO outbox (id, topic, key, type, payload, created_at, published_at)
     VALUES ($1, 'inventory.events', $2, 'StockReserved', '{}', now() - make_interval(days => $3),
             CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(days => $4::int) END)`,
    [randomUUID(), label, ageDays, publishedDaysAgo],
  );
}

async function processedRow(consumer: string, daysAgo: number): Promise<void> {
  await pool.query(`INSERT INTO processed_messages (message_id, consumer, processed_at) VALUES ($1, $2, now() - make_interval(days => $3))`, [
    randomUUID(),
    consumer,
    daysAgo,
  ]);
}

const keys = async () => (await pool.query<{ key: string }>('SELECT key FROM outbox ORDER BY key')).rows.map((r) => r.key);
const consumers = async () => (await pool.query<{ consumer: string }>('SELECT consumer FROM processed_messages ORDER BY consumer')).rows.map((r) => r.consumer);

describe('retention of outbox rows and processed-message marks', () => {
  it('deletes, in batches, published outbox rows and marks past their age; keeps recent ones and every unpublished row', async () => {
    for (let i = 0; i < 5; i++) await outboxRow(`old-published-${i}`, 10, 8);
    await outboxRow('recent-published', 10, 1);
    await outboxRow('old-unpublished', 30, null);
    for (let i = 0; i < 3; i++) await processedRow(`old-${i}`, 15);
    await processedRow('recent', 13);

    const deleted = await task(2).runOnce();

    expect(deleted).toEqual({ outbox: 5, processed_messages: 3 });
    expect(await keys()).toEqual(['old-unpublished', 'recent-published']);
    expect(await consumers()).toEqual(['recent']);
  });

  it('skips rows another transaction holds instead of waiting for it, and takes them on a later run', async () => {
    await outboxRow('held', 10, 8);
    await outboxRow('free', 10, 8);
    await processedRow('held', 20);
    await processedRow('free', 20);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      // As a relay marking a row or a consumer re-inserting a mark would: an open transaction holding row locks.
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM outbox WHERE key = 'held' FOR UPDATE`);
      await other.query(`SELECT 1 FROM processed_messages WHERE consumer = 'held' FOR UPDATE`);

      const started = Date.now();
      expect(await task().runOnce()).toEqual({ outbox: 1, processed_messages: 1 });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await keys()).toEqual(['held']);
      expect(await consumers()).toEqual(['held']);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    expect(await task().runOnce()).toEqual({ outbox: 1, processed_messages: 1 });
    expect(await keys()).toEqual([]);
  });

  it('finds each batch through an index, not by scanning the table', async () => {
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const outboxPlan = (await client.query(`EXPLAIN SELECT seq FROM outbox WHERE published_at < now() - interval '7 days' ORDER BY published_at LIMIT 100`)).rows;
      const processedPlan = (await client.query(`EXPLAIN SELECT ctid FROM processed_messages WHERE processed_at < now() - interval '14 days' ORDER BY processed_at LIMIT 100`)).rows;
      expect(JSON.stringify(outboxPlan)).toContain('outbox_published_at');
      expect(JSON.stringify(processedPlan)).toContain('processed_messages_processed_at');
    } finally {
      client.release(true);
    }
  });
});
