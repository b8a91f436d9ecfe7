import { NotFoundError, OPERATOR_ROLE, type Caller, type ServiceContext } from '@msa/service-kit';
import type { FastifyInstance } from 'fastify';
import { orders } from '../order.repository.ts';
import { orderSchema } from './order.schema.ts';

/** A customer reads their own orders; an operator reads any. */
const mayRead = (caller: Caller, order: { customerId: string | null }) => order.customerId === caller.sub || caller.roles.includes(OPERATOR_ROLE);

export function getOrderRoute(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>(
    '/orders/:id',
    {
      config: { access: 'caller' },
      schema: {
        operationId: 'getOrder',
        summary: "An order of the signed-in customer's (any order for an operator), its status and the events that moved it",
        params: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } },
        response: { 200: orderSchema },
      },
    },
    async (req) => {
      const order = await orders.find(ctx.pool, req.params.id);
      // Another customer's order answers exactly as a missing one (404, not 403): a caller cannot tell
      // which ids exist, so ids cannot be probed for (OWASP API1, broken object level authorisation).
      if (!order || !mayRead(req.caller!, order)) throw new NotFoundError('order', req.params.id);
      return order;
    },
  );
}
