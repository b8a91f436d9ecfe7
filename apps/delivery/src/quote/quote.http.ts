import { setTimeout as sleep } from 'node:timers/promises';
import { jsonSchema, NotFoundError, type ServiceContext } from '@msa/service-kit';
import type { FastifyInstance } from 'fastify';
import { quoteFee } from '../domain.ts';
import type { DeliveryEnv } from '../env.ts';
import { deliveryResponse, orderIdParams, quoteQuery, quoteResponse } from './quote.schema.ts';

export function deliveryRoutes(app: FastifyInstance, ctx: ServiceContext<DeliveryEnv>): void {
  app.get<{ Querystring: { address: string } }>(
    '/quotes',
    {
      schema: {
        operationId: 'quoteDelivery',
        summary: 'Quote the delivery fee for an address',
        querystring: jsonSchema(quoteQuery),
        response: { 200: quoteResponse },
      },
    },
    async (req) => {
      if (ctx.env.QUOTE_DELAY_MS > 0) await sleep(ctx.env.QUOTE_DELAY_MS);
      return { address: req.query.address, fee: quoteFee(req.query.address), currency: 'EUR' };
    },
  );
  app.get<{ Params: { orderId: string } }>(
    '/deliveries/:orderId',
    {
      schema: {
        operationId: 'getDelivery',
        summary: 'The delivery of an order',
        params: jsonSchema(orderIdParams),
        response: { 200: deliveryResponse },
      },
    },
    async (req) => {
      const { rows } = await ctx.pool.query<{ order_id: string; address: string | null; status: string; reason: string | null; eta: Date | null }>(
        'SELECT order_id, address, status, reason, eta FROM deliveries WHERE order_id = $1',
        [req.params.orderId],
      );
      const d = rows[0];
      if (!d) throw new NotFoundError('delivery', req.params.orderId);
      return { orderId: d.order_id, address: d.address, status: d.status, reason: d.reason, eta: d.eta?.toISOString() ?? null };
    },
  );
}
