import { findRepoRoot, loadCatalog, NO_PREFIXES, serviceEnv } from '@msa/catalog';
import { describe, expect, it } from 'vitest';
import { baseEnvSchema, EnvError, loadEnv } from '../src/index.ts';
import { checkOutboxEnv } from '../src/config/outbox-env.ts';
import { testIssuer } from '@msa/service-kit/dev-issuer';

// What a launcher resolves from the catalog for the order service (catalog's serviceEnv), plus the connections.
const good = {
  ...serviceEnv(loadCatalog(findRepoRoot(import.meta.dirname)).byName('order'), { prefixes: NO_PREFIXES, version: '1.0.0', calleeUrl: () => 'http://127.0.0.1:1', auth: testIssuer().auth }),
  DATABASE_URL: 'postgres://u@127.0.0.1/db',
  KAFKA_BROKERS: 'a:1, b:2',
};

describe('service environment', () => {
  it('gives typed values with defaults', () => {
    const env = loadEnv(baseEnvSchema, good);
    expect(env).toMatchObject({ PORT: 3101, HOST: '127.0.0.1', KAFKA_BROKERS: ['a:1', 'b:2'], TOPIC_PREFIX: '', CONSUMER_MAX_ATTEMPTS: 4 });
  });

  it('refuses to start naming each wrong variable', () => {
    const attempt = () => loadEnv(baseEnvSchema, { ...good, PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(/PORT: Invalid input: expected number, received NaN/);
    expect(attempt).toThrow(/DATABASE_URL: a postgres:\/\/ connection URL/);
  });
});

describe('tracing in the service environment', () => {
  it('is off unless the catalog env names an OTLP endpoint, and then records every new trace by default', () => {
    const untraced = loadEnv(baseEnvSchema, good);
    expect(untraced.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(untraced.OTEL_TRACES_SAMPLER_ARG).toBe(1);
    const catalog = loadCatalog(findRepoRoot(import.meta.dirname));
    const traced = serviceEnv(catalog.byName('order'), { prefixes: NO_PREFIXES, calleeUrl: () => 'http://127.0.0.1:1', auth: testIssuer().auth, otlpEndpoint: 'http://127.0.0.1:4318', traceSampleRatio: 0.25 });
    expect(loadEnv(baseEnvSchema, { ...good, ...traced })).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER_ARG: 0.25 });
  });

  it('refuses an endpoint that is not an http(s) URL and a ratio outside 0..1, naming them', () => {
    const attempt = () => loadEnv(baseEnvSchema, { ...good, OTEL_EXPORTER_OTLP_ENDPOINT: '127.0.0.1:4318', OTEL_TRACES_SAMPLER_ARG: '2' });
    expect(attempt).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: an http\(s\) URL such as http:\/\/127.0.0.1:4318/);
    expect(attempt).toThrow(/OTEL_TRACES_SAMPLER_ARG: Too big/);
  });
});

describe('failure bounds in the service environment', () => {
  it('gives every database session and the outbox relay bounded defaults', () => {
    expect(loadEnv(baseEnvSchema, good)).toMatchObject({
      DB_STATEMENT_TIMEOUT_MS: 15_000,
      DB_LOCK_TIMEOUT_MS: 5_000,
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 10_000,
      DB_KEEPALIVE_IDLE_MS: 10_000,
      OUTBOX_RELAY_LEASE_MS: 10_000,
      OUTBOX_MAX_AGE_MS: 30_000,
      OUTBOX_RETENTION_MS: 7 * 24 * 3600 * 1000,
      PROCESSED_RETENTION_MS: 14 * 24 * 3600 * 1000,
      RETENTION_BATCH_SIZE: 1_000,
    });
  });

  it('refuses a timeout that is not a positive number of milliseconds, naming it', () => {
    const attempt = () => loadEnv(baseEnvSchema, { ...good, DB_STATEMENT_TIMEOUT_MS: '0', OUTBOX_RELAY_LEASE_MS: '200', RETENTION_BATCH_SIZE: 'lots' });
    expect(attempt).toThrow(/DB_STATEMENT_TIMEOUT_MS: Too small/);
    expect(attempt).toThrow(/OUTBOX_RELAY_LEASE_MS: Too small/);
    expect(attempt).toThrow(/RETENTION_BATCH_SIZE: Invalid input/);
  });

  it('refuses a backlog bound that a normal takeover of the publishing lock would already exceed', () => {
    const env = loadEnv(baseEnvSchema, { ...good, OUTBOX_RELAY_LEASE_MS: '20000', OUTBOX_MAX_AGE_MS: '15000' });
    expect(checkOutboxEnv(env)).toEqual([{ path: ['OUTBOX_MAX_AGE_MS'], message: 'must be longer than OUTBOX_RELAY_LEASE_MS (20000)' }]);
    expect(checkOutboxEnv(loadEnv(baseEnvSchema, good))).toEqual([]);
  });
});
