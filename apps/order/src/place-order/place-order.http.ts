import { jsonSchema, NotFoundError, problemResponse, type Dependency, type ServiceContext } from '@msa/service-kit';
import type { FastifyInstance } from 'fastify';
import { orders } from '../order.repository.ts';
import type { OrderEnv } from '../env.ts';
import { locationHeader, orderSchema } from '../get-order/order.schema.ts';
import { placeOrderBody, placeOrderHeaders, type PlaceOrderBody } from './place-order.schema.ts';
import { placeOrder } from './place-order.service.ts';

export function placeOrderRoute(app: FastifyInstance, ctx: ServiceContext<OrderEnv>, delivery: Dependency): void {
  app.post<{ Body: PlaceOrderBody; Headers: { 'idempotency-key'?: string } }>(
    '/orders',
    {
      // Any signed-in customer; the order is theirs (the token's subject).
      config: { access: 'caller' },
      schema: {
        operationId: 'placeOrder',
        summary: 'Place an order as the signed-in customer; it starts PENDING and the saga moves it on',
        headers: placeOrderHeaders,
        body: jsonSchema(placeOrderBody),
        response: {
          201: { description: 'The order was created', headers: locationHeader, ...orderSchema },
          200: { description: 'The order this Idempotency-Key created before (same body)', headers: locationHeader, ...orderSchema },
          422: problemResponse('The Idempotency-Key was used before for a different body'),
        },
      },
    },
    async (req, reply) => {
      const placed = await placeOrder(ctx, delivery, req.caller!.sub, req.body, req.headers['idempotency-key']);
      // A new order is answered as written; a replayed one is read (the saga may have moved it on).
      const order = placed.order ?? (await orders.find(ctx.pool, placed.id));
      if (!order) throw new NotFoundError('order', placed.id);
      reply.status(placed.created ? 201 : 200).header('location', `/orders/${placed.id}`);
      return order;
    },
  );
}
