import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, connectionSettings, loadConfig, repoRoot } from '../src/config.ts';

describe('local servers configuration', () => {
  it('defaults to the agreed ports on loopback and data under <repo>/.local', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.postgres.port).toBe(55432);
    expect(config.kafka.port).toBe(59092);
    expect(config.kafka.controllerPort).toBe(59093);
    expect([config.jaeger.otlpPort, config.jaeger.queryPort, config.jaeger.grpcPort]).toEqual([54318, 56686, 56685]);
    expect(config.localDir).toBe(path.join(repoRoot, '.local'));
    expect(config.postgres.dataDir).toBe(path.join(repoRoot, '.local/servers/postgres/data'));
    expect(config.kafka.dataDir).toBe(path.join(repoRoot, '.local/servers/kafka/data'));
    expect(config.toolsDir).toBe(path.join(repoRoot, '.tools'));
  });

  it('takes ports and the data root from the environment, so two environments run side by side', () => {
    const config = loadConfig({
      MSA_PG_PORT: '45432',
      MSA_KAFKA_PORT: '49092',
      MSA_KAFKA_CONTROLLER_PORT: '49093',
      MSA_JAEGER_OTLP_PORT: '44318',
      MSA_JAEGER_QUERY_PORT: '46686',
      MSA_JAEGER_GRPC_PORT: '46685',
      MSA_LOCAL_DIR: '/tmp/env-b',
    });
    expect(connectionSettings(config)).toEqual({
      postgres: {
        host: '127.0.0.1', port: 45432, user: 'postgres', socketDir: '/tmp/env-b/servers/postgres/run',
        url: 'postgres://postgres@127.0.0.1:45432/postgres?host=%2Ftmp%2Fenv-b%2Fservers%2Fpostgres%2Frun',
      },
      kafka: { bootstrap: '127.0.0.1:49092', brokers: ['127.0.0.1:49092'] },
      tracing: { otlpEndpoint: 'http://127.0.0.1:44318', queryUrl: 'http://127.0.0.1:46686' },
      // No password yet in a data root whose Redis never started: it is made on first start.
      redis: { host: '127.0.0.1', port: 56379, url: 'redis://default:@127.0.0.1:56379/0' },
    });
    expect(config.jaeger.configFile).toBe('/tmp/env-b/servers/jaeger/config.yaml');
    expect(config.kafka.dataDir).toBe('/tmp/env-b/servers/kafka/data');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ MSA_PG_PORT: '' }).postgres.port).toBe(55432);
  });

  it.each([
    [{ MSA_PG_PORT: 'abc' }, /MSA_PG_PORT="abc": MSA_PG_PORT must be a port number/],
    [{ MSA_KAFKA_PORT: '80' }, /MSA_KAFKA_PORT="80": MSA_KAFKA_PORT must be at least 1024/],
    [{ MSA_KAFKA_CONTROLLER_PORT: '70000' }, /MSA_KAFKA_CONTROLLER_PORT="70000": .*at most 65535/],
    [{ MSA_PG_PORT: '5432.5' }, /MSA_PG_PORT="5432.5": MSA_PG_PORT must be a whole number/],
    [{ MSA_LOCAL_DIR: 'relative/dir' }, /MSA_LOCAL_DIR="relative\/dir": MSA_LOCAL_DIR must be an absolute path/],
    [{ MSA_KAFKA_PORT: '55432' }, /MSA_KAFKA_PORT="55432": MSA_KAFKA_PORT \(55432\) must differ from MSA_PG_PORT/],
    [{ MSA_ALERTMANAGER_PORT: '59090' }, /MSA_ALERTMANAGER_PORT="59090": MSA_ALERTMANAGER_PORT \(59090\) must differ from MSA_PROMETHEUS_PORT/],
    [{ MSA_JAEGER_QUERY_PORT: '54318' }, /MSA_JAEGER_QUERY_PORT="54318": .*must differ from MSA_JAEGER_OTLP_PORT/],
  ])('rejects %j with an error naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('rejects a data root too long for PostgreSQL\'s unix socket path', () => {
    expect(() => loadConfig({ MSA_LOCAL_DIR: `/tmp/${'x'.repeat(90)}` })).toThrow(/MSA_LOCAL_DIR is too long: PostgreSQL's socket .* would exceed 107 bytes/);
  });

  it('reports every invalid variable at once', () => {
    expect(() => loadConfig({ MSA_PG_PORT: 'x', MSA_KAFKA_PORT: 'y' })).toThrow(/MSA_PG_PORT.*\n.*MSA_KAFKA_PORT/);
  });
});
