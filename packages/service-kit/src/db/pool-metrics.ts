import client from 'prom-client';
import type { Pool } from './pool.ts';

/**
 * The database pool's saturation, read from pg's Pool at each scrape (no query, no timer):
 * connections in use against the pool's max, and callers queued for a connection. A pool that
 * stays full with callers waiting means requests and messages queue behind the database.
 */
export function registerPoolGauges(registry: client.Registry, pool: Pool, max: number): void {
  new client.Gauge({
    name: 'db_pool_connections',
    help: 'Connections of the database pool by state: active (checked out) or idle',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'active' }, pool.totalCount - pool.idleCount);
    },
  });
  new client.Gauge({
    name: 'db_pool_max_connections',
    help: 'The most connections the database pool opens',
    registers: [registry],
  }).set(max);
  new client.Gauge({
    name: 'db_pool_waiting_clients',
    help: 'Callers waiting for a connection because the pool is at its max',
    registers: [registry],
    collect() {
      this.set(pool.waitingCount);
    },
  });
}
