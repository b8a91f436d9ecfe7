import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Dependency, type ServiceDefinition } from '@msa/service-kit';
import { orderEnvSchema, type OrderEnv } from './env.ts';
import { getOrderRoute } from './get-order/get-order.http.ts';
import { placeOrderRoute } from './place-order/place-order.http.ts';
import { dependenciesSchema } from './dependencies.schema.ts';
import { sagaHandlers } from './saga/apply-saga-event.ts';
import { startSagaDeadline } from './saga-deadline/saga-deadline.ts';

import { events } from './events.ts';

const dir = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };

let delivery: Dependency | undefined;
let stopSagaDeadline: (() => Promise<void>) | undefined;

export const orderService: ServiceDefinition<OrderEnv> = {
  dir,
  version,
  envSchema: orderEnvSchema,
  events,
  handlers: (ctx) => sagaHandlers(ctx),
  routes(app, ctx) {
    delivery = new Dependency({
      name: 'delivery',
      baseUrl: ctx.env.DELIVERY_URL,
      timeoutMs: ctx.env.QUOTE_TIMEOUT_MS,
      errorThresholdPercentage: 50,
      resetTimeoutMs: ctx.env.BREAKER_RESET_MS,
      volumeThreshold: ctx.env.BREAKER_VOLUME_THRESHOLD,
      log: ctx.log,
      metrics: ctx.metrics,
    });
    const dep = delivery;
    // The kit has no hook for background work; routes run once per start, before the service listens.
    stopSagaDeadline = startSagaDeadline(ctx);
    placeOrderRoute(app, ctx, dep);
    getOrderRoute(app, ctx);
    app.get('/dependencies', { schema: dependenciesSchema }, async () => ({ delivery: { state: dep.state } }));
  },
  onStop: async () => {
    await stopSagaDeadline?.();
    await delivery?.shutdown();
  },
};
