import { findRepoRoot, loadCatalog, NO_PREFIXES, serviceEnv } from '@msa/catalog';
import { EnvError, loadEnv } from '@msa/service-kit';
import { describe, expect, it } from 'vitest';
import { orderEnvSchema } from '../src/env.ts';
import { testIssuer } from '@msa/service-kit/dev-issuer';

// What a launcher resolves from the catalog for the order service (catalog's serviceEnv), plus the connections.
const base = {
  ...serviceEnv(loadCatalog(findRepoRoot(import.meta.dirname)).byName('order'), { prefixes: NO_PREFIXES, calleeUrl: () => 'http://127.0.0.1:3103' , auth: testIssuer().auth }),
  DATABASE_URL: 'postgres://o@127.0.0.1/o',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('the saga deadline setting', () => {
  it('defaults to five minutes, swept every five seconds', () => {
    const env = loadEnv(orderEnvSchema, base);
    expect(env.ORDER_SAGA_TIMEOUT).toBe(300_000);
    expect(env.ORDER_SAGA_SWEEP_INTERVAL).toBe(5_000);
  });

  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1500ms', 1_500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(loadEnv(orderEnvSchema, { ...base, ORDER_SAGA_TIMEOUT: text }).ORDER_SAGA_TIMEOUT).toBe(ms);
  });

  it.each([
    ['300', 'a whole number with a unit'],
    ['5 minutes', 'a whole number with a unit'],
    ['0s', 'between 1 s and 24 h'],
    ['2d', 'a whole number with a unit'],
  ])('refuses %s, naming the variable', (text, message) => {
    expect(() => loadEnv(orderEnvSchema, { ...base, ORDER_SAGA_TIMEOUT: text })).toThrow(EnvError);
    expect(() => loadEnv(orderEnvSchema, { ...base, ORDER_SAGA_TIMEOUT: text })).toThrow(new RegExp(`ORDER_SAGA_TIMEOUT: ${message}`));
  });
});
