import { withTransaction, type ServiceContext } from '@msa/service-kit';
import client from 'prom-client';
import type { OrderEnv } from '../env.ts';
import { orders } from '../order.repository.ts';
import { sagaMetrics } from '../saga-metrics/saga-metrics.ts';

const BATCH = 100;

/**
 * Cancels, in one transaction, up to one batch of orders whose saga outlived ORDER_SAGA_TIMEOUT, and
 * announces each with OrderCancelled: inventory releases what it reserved (or refuses a reservation
 * that has not happened yet), delivery cancels what it scheduled (or refuses to schedule later).
 * Returns how many orders it cancelled.
 */
export async function cancelOverdueOrders(ctx: ServiceContext<OrderEnv>): Promise<number> {
  const timeoutMs = ctx.env.ORDER_SAGA_TIMEOUT;
  const ages = await withTransaction(ctx.pool, async (tx) => {
    const overdue = await orders.overdueForUpdate(tx, timeoutMs, BATCH);
    const seconds: number[] = [];
    for (const order of overdue) {
      const reason = `saga not final within ORDER_SAGA_TIMEOUT (${timeoutMs / 1000} s)`;
      await orders.addHistory(tx, order.id, 'SagaTimedOut', 'CANCELLED', { reason, was: order.status });
      seconds.push(await orders.setStatus(tx, order.id, 'CANCELLED'));
      await ctx.publish(tx, 'order.events', 'OrderCancelled', order.id, { orderId: order.id, reason });
    }
    return seconds;
  });
  // After the commit: only sagas that really ended are counted.
  const { sagaDuration } = sagaMetrics(ctx);
  for (const s of ages) sagaDuration.observe({ outcome: 'timed_out' }, s);
  return ages.length;
}

/**
 * Sweeps for overdue orders every ORDER_SAGA_SWEEP_INTERVAL on every replica (SKIP LOCKED shares
 * the work). A sweep that fails (database away) is logged and tried again at the next tick: the
 * deadline is a bound, not an exact moment. Returns a function that stops the sweep and waits for
 * the one in flight.
 */
export function startSagaDeadline(ctx: ServiceContext<OrderEnv>): () => Promise<void> {
  const timedOut = new client.Counter({
    name: 'order_saga_timeouts_total',
    help: 'Orders cancelled because their saga was not final within ORDER_SAGA_TIMEOUT',
    registers: [ctx.metrics.registry],
  });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const sweep = async () => {
    try {
      let cancelled: number;
      do {
        cancelled = await cancelOverdueOrders(ctx);
        if (cancelled > 0) {
          timedOut.inc(cancelled);
          ctx.log.warn({ cancelled, timeoutMs: ctx.env.ORDER_SAGA_TIMEOUT }, 'orders past their saga deadline cancelled');
        }
      } while (cancelled === BATCH && !stopped);
    } catch (error) {
      ctx.log.warn({ err: error }, 'saga deadline sweep failed; retrying at the next tick');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = sweep().finally(schedule);
    }, ctx.env.ORDER_SAGA_SWEEP_INTERVAL);
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
}
