import { describe, expect, it } from 'vitest';
import {
  calleeEnvVar, consumerGroup, databaseName, deadLetterTopic, findRepoRoot, listStacks, loadCatalog, parseStackOutputs,
  releaseSchema, serviceEnv, serviceEnvSchema, stackFileName, stackOfFile, topicName, CLOUD_STACKS, LOCAL_STACK,
} from '../src/index.ts';

const root = findRepoRoot(import.meta.dirname);
const order = loadCatalog(root).byName('order');
const clone = { topic: 'pr7.', database: 'pr7_' };
const auth = { issuer: 'https://issuer.example', audience: 'msa-api', jwks: 'https://issuer.example/jwks.json' };

describe('the service contract: names one environment gives a service', () => {
  it('prefixes topics and the consumer group with the topic prefix, databases and roles with the database prefix', () => {
    expect(topicName(clone.topic, 'order.events')).toBe('pr7.order.events');
    expect(deadLetterTopic(order)).toBe('order.dlq');
    expect(consumerGroup(order, clone)).toBe('pr7.order');
    expect(databaseName({ database: order.database! }, clone)).toBe('pr7_order_svc');
  });

  it('gives a caller each callee as <CALLEE>_URL', () => {
    expect(calleeEnvVar('delivery')).toBe('DELIVERY_URL');
    expect(calleeEnvVar('fee-quotes')).toBe('FEE_QUOTES_URL');
  });

  it('hands a service everything it needs about itself in its environment, which its schema reads back', () => {
    const env = serviceEnv(order, { prefixes: clone, version: '1.2.3', port: 13101, calleeUrl: (c) => `http://127.0.0.1:1/${c}`, auth });
    expect(env).toMatchObject({ SERVICE_NAME: 'order', SERVICE_VERSION: '1.2.3', PORT: '13101', TOPIC_PREFIX: 'pr7.', DELIVERY_URL: 'http://127.0.0.1:1/delivery' });
    expect(env).toMatchObject({ AUTH_ISSUER: auth.issuer, AUTH_AUDIENCE: auth.audience, AUTH_JWKS: auth.jwks });
    expect(serviceEnvSchema().parse(env)).toMatchObject({
      TOPICS_PRODUCED: order.topics.produces,
      TOPICS_CONSUMED: order.topics.consumes,
      HEALTH_PATH: order.http.health,
      READINESS_PATH: order.http.readiness,
      MIGRATIONS_DIR: order.database!.migrations,
      STORE_ENGINE: 'postgres',
      AUTH_ROLES_CLAIM: 'roles',
    });
  });

  it('gives no service a start without a token issuer: the AUTH_* variables are required, the JWKS an URL or absolute file', () => {
    const env = serviceEnv(order, { prefixes: clone, calleeUrl: () => 'http://127.0.0.1:1', auth });
    const { AUTH_ISSUER: _issuer, ...withoutIssuer } = env;
    expect(serviceEnvSchema().safeParse(withoutIssuer).error?.issues[0]?.path).toEqual(['AUTH_ISSUER']);
    expect(serviceEnvSchema().safeParse({ ...env, AUTH_JWKS: 'jwks.json' }).error?.issues[0]?.path).toEqual(['AUTH_JWKS']);
  });
});

describe('the stack contract', () => {
  it('names each stack file Pulumi.<stack>.yaml, and finds the cloud stacks and the local one beside Pulumi.yaml', () => {
    expect(stackFileName('staging')).toBe('Pulumi.staging.yaml');
    expect(stackOfFile('Pulumi.pr-42.yaml')).toBe('pr-42');
    expect(stackOfFile('Pulumi.yaml')).toBeUndefined();
    expect(listStacks(root)).toEqual(expect.arrayContaining([...CLOUD_STACKS, LOCAL_STACK]));
  });

  it('takes one release record on every target: version, image and a commit sha', () => {
    expect(releaseSchema.safeParse({ version: '1.0.0', image: 'r@sha256:' + 'a'.repeat(64), commit: 'abc1234' }).success).toBe(true);
    expect(releaseSchema.safeParse({ version: '1.0.0', image: 'local:x', commit: 'e2e' }).error?.issues[0]?.message).toBe('a git commit sha');
  });

  it('reads stack outputs by the contract and names what is missing', () => {
    const outputs = parseStackOutputs({ target: 'aws', endpoints: { order: 'https://api.example.com' }, releases: {}, platform: {} }, 'prod');
    expect(outputs.endpoints.order).toBe('https://api.example.com');
    expect(() => parseStackOutputs({ target: 'aws', publicUrls: ['https://api.example.com'], releases: {} }, 'prod')).toThrow(
      /Stack "prod" does not export the stack contract[\s\S]*endpoints/,
    );
  });
});
