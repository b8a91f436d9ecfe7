const status = { type: 'string', enum: ['PENDING', 'RESERVED', 'CONFIRMED', 'REJECTED', 'CANCELLING', 'CANCELLED'] };

const strict = <P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties }) as const;

/** The response shape, for serialization and the OpenAPI document; strict, so clients can rely on it. */
export const orderSchema = strict({
  id: { type: 'string', format: 'uuid' },
  status,
  items: { type: 'array', items: strict({ sku: { type: 'string' }, quantity: { type: 'integer' } }) },
  address: { type: 'string' },
  deliveryFee: {
    ...strict({ amount: { type: 'number' }, source: { type: 'string', enum: ['quote', 'fallback'] } }),
    description: 'source "fallback" means delivery could not quote in time and the flat fee applied',
  },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
  history: {
    type: 'array',
    description: 'the events that moved the order, oldest first',
    items: strict({
      event: { type: 'string' },
      status,
      detail: { type: 'object', additionalProperties: true },
      at: { type: 'string', format: 'date-time' },
    }),
  },
});

/** `Location` of the order a POST created (or found again under its idempotency key). */
export const locationHeader = { location: { type: 'string', description: 'the order\'s URL: /orders/{id}' } };
