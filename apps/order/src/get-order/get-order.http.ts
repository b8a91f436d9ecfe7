import { NotFoundError, type ServiceContext } from '@msa/service-kit';
import type { FastifyInstance } from 'fastify';
import { orders } from '../order.repository.ts';
import { orderSchema } from './order.schema.ts';

export function getOrderRoute(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>(
    '/orders/:id',
    {
      schema: {
        operationId: 'getOrder',
        summary: 'An order, its status and the events that moved it',
        params: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } },
        response: { 200: orderSchema },
      },
    },
    async (req) => {
      const order = await orders.find(ctx.pool, req.params.id);
      if (!order) throw new NotFoundError('order', req.params.id);
      return order;
    },
  );
}
