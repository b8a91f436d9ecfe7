import { jsonSchema, NotFoundError, OPERATOR_ROLE, type ServiceContext } from '@msa/service-kit';
import type { FastifyInstance } from 'fastify';
import { reservations, stock } from '../stock.repository.ts';
import { orderIdParams, reservationResponse, setStockBody, skuParams, stockResponse } from './stock.schema.ts';

export function stockRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { sku: string } }>(
    '/stock/:sku',
    { schema: { operationId: 'getStock', summary: 'Stock available for a sku', params: jsonSchema(skuParams), response: { 200: stockResponse } } },
    async (req) => {
      const available = await stock.get(ctx.pool, req.params.sku);
      if (available === undefined) throw new NotFoundError('sku', req.params.sku);
      return { sku: req.params.sku, available };
    },
  );
  app.put<{ Params: { sku: string }; Body: { available: number } }>(
    '/stock/:sku',
    {
      // Setting stock is an operator's act: it decides what every customer can order.
      config: { access: { role: OPERATOR_ROLE } },
      schema: {
        operationId: 'setStock',
        summary: 'Set the stock available for a sku (operators only)',
        params: jsonSchema(skuParams),
        body: jsonSchema(setStockBody),
        response: { 200: stockResponse },
      },
    },
    async (req) => {
      await stock.set(ctx.pool, req.params.sku, req.body.available);
      return { sku: req.params.sku, available: req.body.available };
    },
  );
  app.get<{ Params: { orderId: string } }>(
    '/reservations/:orderId',
    {
      schema: {
        operationId: 'getReservation',
        summary: 'The reservation made for an order',
        params: jsonSchema(orderIdParams),
        response: { 200: reservationResponse },
      },
    },
    async (req) => {
      const r = await reservations.find(ctx.pool, req.params.orderId);
      if (!r) throw new NotFoundError('reservation', req.params.orderId);
      return r;
    },
  );
}
