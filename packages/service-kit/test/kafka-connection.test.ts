import { findRepoRoot, loadCatalog, NO_PREFIXES, serviceEnv } from '@msa/catalog';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { baseEnvSchema, EnvError, kafkaConnectionOptions, loadEnv } from '../src/index.ts';
import { awsSigner, mskIamTokenProvider, RENEW_BEFORE_EXPIRY_MS, type MskToken } from '../src/messaging/msk-iam-token.ts';
import { testIssuer } from '@msa/service-kit/dev-issuer';

// What a launcher resolves from the catalog for the order service (catalog's serviceEnv), plus the connections.
const base = {
  ...serviceEnv(loadCatalog(findRepoRoot(import.meta.dirname)).byName('order'), { prefixes: NO_PREFIXES, version: '1.0.0', calleeUrl: () => 'http://127.0.0.1:1', auth: testIssuer().auth }),
  DATABASE_URL: 'postgres://u@127.0.0.1/db',
  KAFKA_BROKERS: 'b-1.msk:9098',
};

describe('KAFKA_AUTH in the service environment', () => {
  it('is none unless set, and aws-iam takes a region', () => {
    const local = loadEnv(baseEnvSchema, base);
    expect(local.KAFKA_AUTH).toBe('none');
    expect(local.AWS_REGION).toBeUndefined();
    expect(loadEnv(baseEnvSchema, { ...base, KAFKA_AUTH: 'aws-iam', AWS_REGION: 'eu-west-1' })).toMatchObject({ KAFKA_AUTH: 'aws-iam', AWS_REGION: 'eu-west-1' });
  });

  it('refuses an unknown mechanism or a malformed region, naming the variable', () => {
    const attempt = () => loadEnv(baseEnvSchema, { ...base, KAFKA_AUTH: 'scram', AWS_REGION: 'Frankfurt' });
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(/KAFKA_AUTH: Invalid option: expected one of "none"\|"aws-iam"/);
    expect(attempt).toThrow(/AWS_REGION: an AWS region such as eu-west-1/);
  });
});

describe('Kafka connection options, shared by every client of a service', () => {
  it('none: plain text, no TLS and no SASL (the local brokers)', () => {
    expect(kafkaConnectionOptions({ auth: 'none' })).toEqual({});
    expect(kafkaConnectionOptions({ auth: 'none', region: 'eu-west-1' })).toEqual({});
  });

  it('aws-iam: TLS with SNI, and SASL OAUTHBEARER whose token comes from a provider', () => {
    const options = kafkaConnectionOptions({ auth: 'aws-iam', region: 'eu-west-1' });
    expect(options.tls).toEqual({});
    expect(options.tlsServerName).toBe(true);
    expect(options.sasl?.mechanism).toBe('OAUTHBEARER');
    expect(options.sasl?.token).toBeTypeOf('function');
    expect(options.sasl?.username).toBeUndefined();
  });

  it('aws-iam without AWS_REGION: an error that names the variable and why', () => {
    const attempt = () => kafkaConnectionOptions({ auth: 'aws-iam', region: undefined });
    expect(attempt).toThrow(EnvError);
    expect(attempt).toThrow(/AWS_REGION: required when KAFKA_AUTH=aws-iam/);
  });
});

describe('the MSK IAM token provider', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const tokenAt = (n: number, lifetimeMs = 900_000): MskToken => ({ token: `token-${n}`, expiryTime: t0 + n * 1_000 + lifetimeMs });

  it('reuses a token while it has more than the renewal margin to live, then signs a new one', async () => {
    let clock = t0;
    let signed = 0;
    const sign = vi.fn(async (region: string) => {
      expect(region).toBe('eu-west-1');
      return tokenAt(signed++);
    });
    const provide = mskIamTokenProvider('eu-west-1', sign, () => clock);
    expect(await provide()).toBe('token-0');
    clock = t0 + 900_000 - RENEW_BEFORE_EXPIRY_MS - 1_000;
    expect(await provide()).toBe('token-0');
    clock = t0 + 900_000 - RENEW_BEFORE_EXPIRY_MS + 1;
    expect(await provide()).toBe('token-1');
    expect(sign).toHaveBeenCalledTimes(2);
  });

  it('signs once for connections that ask at the same moment, and again after a failed signing', async () => {
    let calls = 0;
    const sign = vi.fn(async () => {
      calls++;
      if (calls === 2) throw new Error('no credentials');
      return { token: `token-${calls}`, expiryTime: calls === 1 ? t0 : t0 + 900_000 };
    });
    const provide = mskIamTokenProvider('eu-west-1', sign, () => t0);
    expect(await Promise.all([provide(), provide(), provide()])).toEqual(['token-1', 'token-1', 'token-1']);
    // token-1 is already expired: the next ask signs, fails, and the one after signs again.
    await expect(provide()).rejects.toThrow('no credentials');
    expect(await provide()).toBe('token-3');
    expect(sign).toHaveBeenCalledTimes(3);
  });
});

describe("AWS's signer, offline with static credentials", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('presigns a kafka-cluster:Connect request for the region, base64url-encoded, valid 15 minutes', async () => {
    // The signer reads the default credential chain; the environment's keys come first, and signing is local.
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    const before = Date.now();
    const { token, expiryTime } = await awsSigner('eu-central-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(url.origin).toBe('https://kafka.eu-central-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-central-1\/kafka-cluster\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('User-Agent')).toMatch(/^aws-msk-iam-sasl-signer-js\//);
    // X-Amz-Date has whole seconds: the expiry is 15 minutes after the signing second.
    expect(expiryTime).toBeGreaterThan(before + 899_000 - 1_000);
    expect(expiryTime).toBeLessThanOrEqual(Date.now() + 900_000);
  });

  it('fails, rather than sending an unsigned token, when there are no credentials', async () => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    // Point the chain's file and metadata sources nowhere, so the failure is quick and offline.
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    await expect(awsSigner('eu-central-1')).rejects.toThrow(/credential/i);
  });
});
