import type { EventSchemas } from '@msa/service-kit';
import { z } from 'zod';

/** What the inventory service publishes on inventory.events: the contract its consumers (in any language) read. */
const orderId = z.uuid().describe('the order, also the record key');
const item = z.strictObject({ sku: z.string().min(1), quantity: z.number().int().min(1) });
const ORDER = '5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01';

export const events = {
  'inventory.events': {
    StockReserved: z
      .strictObject({ orderId, items: z.array(item).min(1), address: z.string().min(1).describe('passed on for delivery') })
      .describe('every item of the order is held for it')
      .meta({ examples: [{ orderId: ORDER, items: [{ sku: 'apple', quantity: 2 }], address: '1 Main Street' }] }),
    StockRejected: z
      .strictObject({ orderId, reason: z.string().describe('which sku is short') })
      .describe('the order cannot be reserved; nothing was taken')
      .meta({ examples: [{ orderId: ORDER, reason: 'insufficient stock for apple (want 2, have 1)' }] }),
    StockReleased: z
      .strictObject({ orderId, reason: z.string().describe('what the release compensates') })
      .describe('a reservation was given back (delivery failed, or the order was cancelled)')
      .meta({ examples: [{ orderId: ORDER, reason: 'address undeliverable' }] }),
  },
} satisfies EventSchemas;
