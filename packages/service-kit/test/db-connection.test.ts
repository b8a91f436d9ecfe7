import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseConfig, DatabaseUrlError } from '../src/index.ts';
import { rdsCertificateAuthorities } from '../src/db/connection.ts';

const RDS = 'postgres://order:s3cret@order.abc123.eu-west-1.rds.amazonaws.com:5432/order_svc';
const dir = mkdtempSync(path.join(tmpdir(), 'db-connection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pg settings from DATABASE_URL', () => {
  it('leaves a URL without TLS settings exactly as it was (the local stack)', async () => {
    const url = 'postgres://postgres@127.0.0.1:55432/order_svc';
    expect(await databaseConfig(url)).toEqual({ connectionString: url });
  });

  it("sslmode=require (as the cloud stacks set it): TLS verified against Amazon RDS's CAs and Node's roots, host name checked", async () => {
    const config = await databaseConfig(`${RDS}?sslmode=require`);
    // The TLS settings leave the URL, so pg's own parser neither overrides them nor warns about require.
    expect(config.connectionString).toBe(RDS);
    const ssl = config.ssl as { rejectUnauthorized: boolean; ca: string[]; checkServerIdentity?: unknown };
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.checkServerIdentity).toBeUndefined();
    expect(ssl.ca).toEqual([...rootCertificates, ...(await rdsCertificateAuthorities())]);
  });

  it("trusts Amazon RDS's root CAs of every generation (the global bundle)", async () => {
    const subjects = (await rdsCertificateAuthorities()).map((pem) => new X509Certificate(pem).subject);
    for (const root of ['Amazon RDS Root 2019 CA', 'Amazon RDS eu-west-1 Root CA RSA2048 G1', 'Amazon RDS eu-west-1 Root CA RSA4096 G1', 'Amazon RDS eu-west-1 Root CA ECC384 G1']) {
      expect(subjects.some((s) => s.includes(`CN=${root}`)), root).toBe(true);
    }
  });

  it('sslrootcert names the only CA to trust; sslrootcert=system means the platform roots', async () => {
    const file = path.join(dir, 'ca.pem');
    writeFileSync(file, rootCertificates[0]!);
    const own = await databaseConfig(`${RDS}?sslmode=verify-full&sslrootcert=${encodeURIComponent(file)}`);
    expect(own).toEqual({ connectionString: RDS, ssl: { rejectUnauthorized: true, ca: [rootCertificates[0]] } });
    const system = await databaseConfig(`${RDS}?sslmode=require&sslrootcert=system`);
    expect((system.ssl as { ca: string[] }).ca).toEqual([...rootCertificates]);
  });

  it('verify-ca checks the chain but not the host name; no-verify and disable as pg and libpq mean them', async () => {
    const ca = (await databaseConfig(`${RDS}?sslmode=verify-ca`)).ssl as { rejectUnauthorized: boolean; checkServerIdentity: () => unknown };
    expect(ca.rejectUnauthorized).toBe(true);
    expect(ca.checkServerIdentity()).toBeUndefined();
    expect(await databaseConfig(`${RDS}?sslmode=no-verify`)).toEqual({ connectionString: RDS, ssl: { rejectUnauthorized: false } });
    expect(await databaseConfig(`${RDS}?sslmode=disable`)).toEqual({ connectionString: RDS, ssl: false });
  });

  it('keeps the other parameters of the URL', async () => {
    const config = await databaseConfig(`${RDS}?application_name=order&sslmode=require&connect_timeout=5`);
    expect(config.connectionString).toBe(`${RDS}?application_name=order&connect_timeout=5`);
  });

  it('refuses modes that would fall back to plain text, unknown modes and unreadable CA files, naming DATABASE_URL', async () => {
    await expect(databaseConfig(`${RDS}?sslmode=prefer`)).rejects.toThrow(/^DATABASE_URL: sslmode=prefer would fall back to plain text/);
    await expect(databaseConfig(`${RDS}?sslmode=strict`)).rejects.toThrow(DatabaseUrlError);
    await expect(databaseConfig(`${RDS}?sslmode=strict`)).rejects.toThrow(/sslmode=strict is not one of disable, require, verify-ca, verify-full, no-verify/);
    await expect(databaseConfig(`${RDS}?sslmode=require&sslrootcert=/nonexistent/ca.pem`)).rejects.toThrow(/DATABASE_URL: sslrootcert=\/nonexistent\/ca.pem cannot be read \(ENOENT\)/);
  });

  it('never repeats the URL (and so its password) in an error', async () => {
    const error = await databaseConfig('postgres://u:s3cret@[bad/db').catch((e: Error) => e);
    expect(error).toBeInstanceOf(DatabaseUrlError);
    expect(String(error)).not.toContain('s3cret');
  });
});
