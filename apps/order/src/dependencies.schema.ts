const breaker = {
  type: 'object',
  additionalProperties: false,
  required: ['state'],
  properties: { state: { type: 'string', enum: ['closed', 'open', 'half-open'] } },
} as const;

/** GET /dependencies: the circuit breaker of each synchronous dependency. */
export const dependenciesSchema = {
  operationId: 'getDependencies',
  summary: 'State of the circuit breaker of each synchronous dependency',
  response: {
    200: { type: 'object', additionalProperties: false, required: ['delivery'], properties: { delivery: breaker } },
  },
} as const;
