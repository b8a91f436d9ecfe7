import type { Pool, ServiceContext } from '@msa/service-kit';
import client from 'prom-client';
import type { OrderStatus } from '../domain/order-status.ts';

/** How a saga ended: its final status, or timed_out when the deadline sweep cancelled it. */
export type SagaOutcome = 'confirmed' | 'rejected' | 'cancelled' | 'timed_out';

const OPEN: OrderStatus[] = ['PENDING', 'RESERVED', 'CANCELLING'];

// Open orders ride the partial index orders_open_by_age (0003): final orders, the vast majority, are never read.
const OPEN_SQL = `
  SELECT status, count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS oldest_s
    FROM orders WHERE status NOT IN ('CONFIRMED', 'REJECTED', 'CANCELLED') GROUP BY status`;

interface OpenOrders {
  byStatus: Map<string, number>;
  oldestSeconds: number;
}

/** Reads the open orders at most once per second, however many gauges and scrapes ask. */
function openOrdersReader(pool: Pool, cacheMs = 1_000): () => Promise<OpenOrders> {
  let last: { at: number; value: Promise<OpenOrders> } | undefined;
  return () => {
    if (last && Date.now() - last.at < cacheMs) return last.value;
    const value = pool.query<{ status: string; n: number; oldest_s: number }>(OPEN_SQL).then(({ rows }) => ({
      byStatus: new Map(rows.map((r) => [r.status, r.n])),
      oldestSeconds: Math.max(0, ...rows.map((r) => r.oldest_s)),
    }));
    last = { at: Date.now(), value };
    value.catch(() => {
      if (last?.value === value) last = undefined;
    });
    return value;
  };
}

function createSagaMetrics(ctx: ServiceContext) {
  const registers = [ctx.metrics.registry];
  const readOpen = openOrdersReader(ctx.pool);
  new client.Gauge({
    name: 'order_open_orders',
    help: 'Orders not yet final (PENDING, RESERVED, CANCELLING), by status; final ones are counted by order_saga_duration_seconds_count',
    labelNames: ['status'],
    registers,
    async collect() {
      const open = await readOpen().catch(() => undefined);
      if (open) for (const status of OPEN) this.set({ status }, open.byStatus.get(status) ?? 0);
    },
  });
  new client.Gauge({
    name: 'order_oldest_open_age_seconds',
    help: 'Age of the oldest order not yet final (0 when none): a saga stuck anywhere shows here',
    registers,
    async collect() {
      const open = await readOpen().catch(() => undefined);
      if (open) this.set(open.oldestSeconds);
    },
  });
  return {
    sagaDuration: new client.Histogram({
      name: 'order_saga_duration_seconds',
      help: 'Time from placing an order to its final status, by outcome: confirmed, rejected, cancelled, timed_out',
      labelNames: ['outcome'],
      // From a local saga's fraction of a second to the default ORDER_SAGA_TIMEOUT (5m) and beyond.
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
  };
}

const byRegistry = new WeakMap<client.Registry, ReturnType<typeof createSagaMetrics>>();

/** The order service's saga metrics, registered once per service (the handlers and the deadline sweep share them). */
export function sagaMetrics(ctx: ServiceContext) {
  let m = byRegistry.get(ctx.metrics.registry);
  if (!m) byRegistry.set(ctx.metrics.registry, (m = createSagaMetrics(ctx)));
  return m;
}
