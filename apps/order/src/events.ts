import type { EventSchemas } from '@msa/service-kit';
import { z } from 'zod';
import { sku } from './place-order/place-order.schema.ts';

/** What the order service publishes on order.events: the contract its consumers (in any language) read. */
const orderId = z.uuid().describe('the order, also the record key');
const ORDER = '5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01';

export const events = {
  'order.events': {
    OrderPlaced: z
      .strictObject({
        orderId,
        items: z.array(z.strictObject({ sku, quantity: z.number().int().min(1) })).min(1),
        address: z.string().min(1).describe('where the order is delivered'),
      })
      .describe('an order was accepted; the saga starts')
      .meta({ examples: [{ orderId: ORDER, items: [{ sku: 'apple', quantity: 2 }], address: '1 Main Street' }] }),
    OrderConfirmed: z
      .strictObject({ orderId, eta: z.iso.datetime().describe('when delivery is expected') })
      .describe('the saga ended with stock reserved and delivery scheduled')
      .meta({ examples: [{ orderId: ORDER, eta: '2026-12-03T12:00:00.000Z' }] }),
    OrderRejected: z
      .strictObject({ orderId, reason: z.string().describe('why inventory refused it') })
      .describe('the saga ended without stock: nothing to compensate')
      .meta({ examples: [{ orderId: ORDER, reason: 'insufficient stock for apple (want 2, have 1)' }] }),
    OrderCancelled: z
      .strictObject({ orderId, reason: z.string().describe('why the order was cancelled') })
      .describe('the saga was compensated, or its deadline passed; holders of its stock or delivery undo them')
      .meta({ examples: [{ orderId: ORDER, reason: 'saga not final within ORDER_SAGA_TIMEOUT (30 s)' }, { orderId: ORDER, reason: 'address undeliverable' }] }),
  },
} satisfies EventSchemas;
