import { jsonSchema, NotFoundError, type Dependency, type ServiceContext } from '@msa/service-kit';
import type { FastifyInstance } from 'fastify';
import { orders } from '../order.repository.ts';
import type { OrderEnv } from '../env.ts';
import { orderSchema } from '../get-order/order.schema.ts';
import { placeOrderBody, type PlaceOrderBody } from './place-order.schema.ts';
import { placeOrder } from './place-order.service.ts';

export function placeOrderRoute(app: FastifyInstance, ctx: ServiceContext<OrderEnv>, delivery: Dependency): void {
  app.post<{ Body: PlaceOrderBody }>(
    '/orders',
    {
      schema: {
        summary: 'Place an order; it starts PENDING and the saga moves it on',
        body: jsonSchema(placeOrderBody),
        response: { 201: orderSchema },
      },
    },
    async (req, reply) => {
      const id = await placeOrder(ctx, delivery, req.body);
      const order = await orders.find(ctx.pool, id);
      if (!order) throw new NotFoundError('order', id);
      reply.status(201).header('location', `/orders/${id}`);
      return order;
    },
  );
}
