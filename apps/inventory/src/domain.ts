export interface Item {
  sku: string;
  quantity: number;
}

/** Why stock cannot be reserved for these items, or undefined when it can. */
export function shortage(items: Item[], available: ReadonlyMap<string, number>): string | undefined {
  const wanted = new Map<string, number>();
  for (const i of items) wanted.set(i.sku, (wanted.get(i.sku) ?? 0) + i.quantity);
  for (const [sku, quantity] of wanted) {
    const have = available.get(sku);
    if (have === undefined) return `unknown sku "${sku}"`;
    if (have < quantity) return `insufficient stock for "${sku}": wanted ${quantity}, available ${have}`;
  }
  return undefined;
}
