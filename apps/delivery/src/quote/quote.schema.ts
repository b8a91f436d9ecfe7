import { storableText } from '@msa/service-kit';
import { z } from 'zod';

export const quoteQuery = z.object({ address: storableText(1, 200).meta({ examples: ['1 Main Street'] }) }).strict();
export const orderIdParams = z.object({ orderId: z.uuid() }).strict();

const strict = <P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties }) as const;

export const quoteResponse = strict({ address: { type: 'string' }, fee: { type: 'number', minimum: 0 }, currency: { type: 'string', enum: ['EUR'] } });

export const deliveryResponse = strict({
  orderId: { type: 'string', format: 'uuid' },
  address: { type: ['string', 'null'], description: 'null when the order was cancelled before delivery heard of it' },
  status: { type: 'string', enum: ['SCHEDULED', 'FAILED', 'CANCELLED'] },
  reason: { type: ['string', 'null'] },
  eta: { type: ['string', 'null'], format: 'date-time' },
});
