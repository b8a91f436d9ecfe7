import { describe, expect, it } from 'vitest';
import { InvalidMessageError, newEnvelope, parseEnvelope } from '../src/index.ts';

describe('the event envelope', () => {
  it('round-trips an event made by newEnvelope', () => {
    const e = newEnvelope('order', 'OrderPlaced', 'o-1', { orderId: 'o-1' });
    expect(parseEnvelope(Buffer.from(JSON.stringify(e)))).toEqual(e);
  });

  it.each([
    [undefined, 'empty message value'],
    ['', 'empty message value'],
    ['{nope', 'message value is not JSON'],
    ['{"type":"X"}', 'message envelope invalid at "id": Invalid input: expected string, received undefined'],
    [JSON.stringify({ ...newEnvelope('a', 'T', 'k', {}), occurredAt: 'yesterday' }), 'message envelope invalid at "occurredAt": Invalid ISO datetime'],
  ])('rejects %j as a message that can never succeed: %s', (raw, reason) => {
    expect(() => parseEnvelope(raw)).toThrow(InvalidMessageError);
    expect(() => parseEnvelope(raw)).toThrow(reason);
  });
});
