import { describe, expect, it } from 'vitest';
import { baseEnvSchema, EnvError, loadEnv } from '../src/index.ts';

const good = { SERVICE_NAME: 'order', PORT: '3101', DATABASE_URL: 'postgres://u@127.0.0.1/db', KAFKA_BROKERS: 'a:1, b:2' };

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
