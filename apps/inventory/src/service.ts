import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceDefinition } from '@msa/service-kit';
import { releaseOnOrderCancelled, releaseStock } from './release-stock/release-stock.handler.ts';
import { reserveStock } from './reserve-stock/reserve-stock.handler.ts';
import { stockRoutes } from './stock/stock.http.ts';

import { events } from './events.ts';

const dir = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };

export const inventoryService: ServiceDefinition = {
  dir,
  version,
  events,
  handlers: (ctx) => ({
    'order.events': { OrderPlaced: reserveStock(ctx), OrderCancelled: releaseOnOrderCancelled(ctx) },
    'delivery.events': { DeliveryFailed: releaseStock(ctx) },
  }),
  routes: (app, ctx) => stockRoutes(app, ctx),
};
