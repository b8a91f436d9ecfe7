import { describe, expect, it } from 'vitest';
import { etaFrom, quoteFee, undeliverableReason } from '../src/domain.ts';

describe('delivery decisions', () => {
  const pattern = /undeliverable|nowhere/i;
  it('delivers to an ordinary address', () => {
    expect(undeliverableReason('1 Main Street', pattern)).toBeUndefined();
  });
  it('refuses an address outside the delivery area, saying which', () => {
    expect(undeliverableReason('Nowhere Island', pattern)).toBe('address "Nowhere Island" is outside the delivery area');
  });
  it('quotes the same fee for the same address, between 2.50 and 7.49', () => {
    const fee = quoteFee('1 Main Street');
    expect(quoteFee('1 Main Street')).toBe(fee);
    expect(fee).toBeGreaterThanOrEqual(2.5);
    expect(fee).toBeLessThan(7.5);
  });
  it('schedules for the next day', () => {
    expect(etaFrom(new Date('2026-01-01T10:00:00Z')).toISOString()).toBe('2026-01-02T10:00:00.000Z');
  });
});
