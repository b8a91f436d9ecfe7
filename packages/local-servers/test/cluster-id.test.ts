import { describe, expect, it } from 'vitest';
import { newClusterId } from '../src/kafka/server.ts';

describe('a new Kafka cluster id', () => {
  it('is 22 base64url characters and never starts with "-", which the storage tool would read as an option', () => {
    // One id in 64 would start with '-' if nothing prevented it: 20,000 draws meet that case for sure.
    const ids = Array.from({ length: 20_000 }, newClusterId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
