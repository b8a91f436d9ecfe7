import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog, readEventSchema } from '@msa/catalog';
import { stockReserved } from '../src/schedule-delivery/schedule-delivery.handler.ts';

const catalog = loadCatalog(findRepoRoot());

describe('delivery reads the events it consumes as their producers declare them', () => {
  it('accepts every example of StockReserved in the committed contract', () => {
    const { file, schema } = readEventSchema(catalog, 'inventory.events', 'StockReserved');
    expect(schema.examples?.length, `${file} has no examples`).toBeGreaterThan(0);
    for (const example of schema.examples ?? []) {
      const parsed = stockReserved.safeParse(example);
      expect(parsed.success, `${file}: ${JSON.stringify(parsed.error?.issues[0])}`).toBe(true);
    }
  });
});
