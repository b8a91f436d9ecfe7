import { jsonSchema, NotFoundError, type ServiceContext } from '@msa/service-kit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { reservations, stock } from '../stock.repository.ts';

const skuParams = z.object({ sku: z.string().regex(/^[a-z0-9-]{1,64}$/) });
const setStockBody = z.object({ available: z.number().int().min(0).max(1_000_000) }).strict();

export function stockRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { sku: string } }>('/stock/:sku', { schema: { summary: 'Stock available for a sku', params: jsonSchema(skuParams) } }, async (req) => {
    const available = await stock.get(ctx.pool, req.params.sku);
    if (available === undefined) throw new NotFoundError('sku', req.params.sku);
    return { sku: req.params.sku, available };
  });
  app.put<{ Params: { sku: string }; Body: { available: number } }>(
    '/stock/:sku',
    { schema: { summary: 'Set the stock available for a sku', params: jsonSchema(skuParams), body: jsonSchema(setStockBody) } },
    async (req) => {
      await stock.set(ctx.pool, req.params.sku, req.body.available);
      return { sku: req.params.sku, available: req.body.available };
    },
  );
  app.get<{ Params: { orderId: string } }>(
    '/reservations/:orderId',
    { schema: { summary: 'The reservation made for an order', params: { type: 'object', properties: { orderId: { type: 'string', format: 'uuid' } } } } },
    async (req) => {
      const r = await reservations.find(ctx.pool, req.params.orderId);
      if (!r) throw new NotFoundError('reservation', req.params.orderId);
      return r;
    },
  );
}
