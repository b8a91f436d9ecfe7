import type { EventSchemas } from '@msa/service-kit';
import { z } from 'zod';

/** What the delivery service publishes on delivery.events: the contract its consumers (in any language) read. */
const orderId = z.uuid().describe('the order, also the record key');
const ORDER = '5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01';

export const events = {
  'delivery.events': {
    DeliveryScheduled: z
      .strictObject({ orderId, eta: z.iso.datetime().describe('when delivery is expected') })
      .describe('a delivery is booked for the reserved order')
      .meta({ examples: [{ orderId: ORDER, eta: '2026-12-03T12:00:00.000Z' }] }),
    DeliveryFailed: z
      .strictObject({ orderId, reason: z.string().describe('why it cannot be delivered') })
      .describe('no delivery is possible; inventory releases the stock')
      .meta({ examples: [{ orderId: ORDER, reason: 'address undeliverable' }] }),
    DeliveryCancelled: z
      .strictObject({ orderId, reason: z.string().describe('the cancelled order\'s reason') })
      .describe('a scheduled delivery was cancelled because the order was')
      .meta({ examples: [{ orderId: ORDER, reason: 'saga not final within ORDER_SAGA_TIMEOUT (30 s)' }] }),
  },
} satisfies EventSchemas;
