import { describe, expect, it } from 'vitest';
import { shortage } from '../src/domain.ts';

const stock = new Map([
  ['apple', 5],
  ['pear', 1],
]);

describe('deciding whether stock can be reserved', () => {
  it('allows items that are all in stock', () => {
    expect(shortage([{ sku: 'apple', quantity: 5 }, { sku: 'pear', quantity: 1 }], stock)).toBeUndefined();
  });
  it('names the sku that is short, with wanted and available', () => {
    expect(shortage([{ sku: 'pear', quantity: 2 }], stock)).toBe('insufficient stock for "pear": wanted 2, available 1');
  });
  it('adds up the same sku listed twice', () => {
    expect(shortage([{ sku: 'apple', quantity: 3 }, { sku: 'apple', quantity: 3 }], stock)).toContain('wanted 6');
  });
  it('rejects an unknown sku', () => {
    expect(shortage([{ sku: 'kiwi', quantity: 1 }], stock)).toBe('unknown sku "kiwi"');
  });
});
