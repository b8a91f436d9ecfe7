/** Why an address cannot be delivered to, or undefined when it can. */
export function undeliverableReason(address: string, pattern: RegExp): string | undefined {
  if (address.trim().length === 0) return 'empty address';
  return pattern.test(address) ? `address "${address}" is outside the delivery area` : undefined;
}

/** Fee in euros: a base plus a per-item-of-distance part, derived from the address so quotes are stable. */
export function quoteFee(address: string): number {
  let hash = 0;
  for (const ch of address) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return Math.round((2.5 + (hash % 500) / 100) * 100) / 100;
}

/** Deliveries leave the next day. */
export function etaFrom(now: Date): Date {
  return new Date(now.getTime() + 24 * 3600 * 1000);
}
