import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceDefinition } from '@msa/service-kit';
import { deliveryEnvSchema, type DeliveryEnv } from './env.ts';
import { deliveryRoutes } from './quote/quote.http.ts';
import { cancelDelivery } from './cancel-delivery/cancel-delivery.handler.ts';
import { scheduleDelivery } from './schedule-delivery/schedule-delivery.handler.ts';

import { events } from './events.ts';

const dir = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };

export const deliveryService: ServiceDefinition<DeliveryEnv> = {
  dir,
  version,
  envSchema: deliveryEnvSchema,
  events,
  handlers: (ctx) => ({
    'inventory.events': { StockReserved: scheduleDelivery(ctx) },
    'order.events': { OrderCancelled: cancelDelivery(ctx) },
  }),
  routes: (app, ctx) => deliveryRoutes(app, ctx),
};
