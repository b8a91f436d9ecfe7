import pg from 'pg';
import { round } from './stats.ts';

export interface DbWait {
  /** wait_event_type:wait_event, "CPU" for an active backend waiting on nothing, "ClientRead" etc. */
  wait: string;
  /** Share of the samples of the target's backends that were in a transaction or a query. */
  percent: number;
}

/** The first words of a statement, enough to tell which transaction it belongs to. */
export function statementHead(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().split(' ').slice(0, 4).join(' ');
}

/** Shares of each wait among the samples, largest first. */
export function waitShares(counts: ReadonlyMap<string, number>, top = 8): DbWait[] {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([wait, n]) => ({ wait, percent: round((n / Math.max(1, total)) * 100, 1) }));
}

/**
 * Samples pg_stat_activity every intervalMs for the target's databases: what their backends are
 * waiting on while busy (pg_stat_statements is not loaded on the local server). A backend idle in a
 * transaction waits for its service, named by the last statement it ran (the relay's SELECT from
 * outbox while it sends to Kafka, a handler's statement while the service's event loop is busy);
 * "Lock:object" at commit is NOTIFY's lock; IO:WALSync is the commit's fsync.
 */
export function sampleDbWaits(superuserUrl: string, databases: string[], intervalMs = 100): { stop(): Promise<DbWait[]> } {
  const counts = new Map<string, number>();
  const client = new pg.Client({ connectionString: superuserUrl });
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ state: string; wait: string | null; query: string }>(
        `SELECT state, wait_event_type || ':' || wait_event AS wait, left(query, 60) AS query FROM pg_stat_activity
         WHERE datname = ANY($1) AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()`,
        [databases],
      );
      for (const r of rows) {
        const key = r.state === 'idle in transaction' ? `idle in transaction after "${statementHead(r.query)}"` : (r.wait ?? 'CPU (running)');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.catch(() => undefined);
      await client.end().catch(() => undefined);
      return waitShares(counts);
    },
  };
}
