const status = { type: 'string', enum: ['PENDING', 'RESERVED', 'CONFIRMED', 'REJECTED', 'CANCELLING', 'CANCELLED'] };

/** The response shape, for serialization and the OpenAPI document. */
export const orderSchema = {
  type: 'object',
  required: ['id', 'status', 'items', 'address', 'deliveryFee', 'createdAt', 'updatedAt', 'history'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status,
    items: {
      type: 'array',
      items: { type: 'object', properties: { sku: { type: 'string' }, quantity: { type: 'integer' } } },
    },
    address: { type: 'string' },
    deliveryFee: {
      type: 'object',
      description: 'source "fallback" means delivery could not quote in time and the flat fee applied',
      properties: { amount: { type: 'number' }, source: { type: 'string', enum: ['quote', 'fallback'] } },
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    history: {
      type: 'array',
      description: 'the events that moved the order, oldest first',
      items: {
        type: 'object',
        properties: {
          event: { type: 'string' },
          status,
          detail: { type: 'object', additionalProperties: true },
          at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;
