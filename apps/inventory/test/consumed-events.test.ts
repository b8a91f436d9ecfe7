import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog, readEventSchema } from '@msa/catalog';
import { orderPlaced } from '../src/reserve-stock/reserve-stock.handler.ts';

const catalog = loadCatalog(findRepoRoot());

describe('inventory reads the events it consumes as their producers declare them', () => {
  it('accepts every example of OrderPlaced in the committed contract', () => {
    const { file, schema } = readEventSchema(catalog, 'order.events', 'OrderPlaced');
    expect(schema.examples?.length, `${file} has no examples`).toBeGreaterThan(0);
    for (const example of schema.examples ?? []) {
      const parsed = orderPlaced.safeParse(example);
      expect(parsed.success, `${file}: ${JSON.stringify(parsed.error?.issues[0])}`).toBe(true);
    }
  });
});
