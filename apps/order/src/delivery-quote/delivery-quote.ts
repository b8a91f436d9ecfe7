import type { Dependency } from '@msa/service-kit';

export interface Fee {
  amount: number;
  source: 'quote' | 'fallback';
}

/**
 * Asks delivery for a fee. When delivery is slow, down or its breaker is open, the order still goes
 * through with the flat fallback fee, and the order says so (source: "fallback").
 */
export async function quoteDeliveryFee(delivery: Dependency, address: string, fallbackFee: number): Promise<Fee> {
  try {
    const quote = await delivery.getJson<{ fee: number }>(`/quotes?address=${encodeURIComponent(address)}`);
    if (typeof quote.fee !== 'number') throw new Error('quote without a numeric fee');
    return { amount: quote.fee, source: 'quote' };
  } catch {
    return { amount: fallbackFee, source: 'fallback' };
  }
}
