import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog, NO_PREFIXES, serviceEnv } from '@msa/catalog';
import { launchSpec } from '../src/launch.ts';
import { testIssuer } from '@msa/service-kit/dev-issuer';

const root = path.resolve(import.meta.dirname, '../../..');

/** Runs a built service with only the given environment; nothing listens at the addresses it names. */
function run(service: string, env: Record<string, string>) {
  const spec = launchSpec(path.join(root, 'apps', service));
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { PATH: process.env.PATH ?? '', ...spec.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { exited, output: () => output };
}

// What every launcher gives a service (the catalog's contract), so only the bound under test is wrong.
const base = {
  ...serviceEnv(loadCatalog(findRepoRoot(import.meta.dirname)).byName('inventory'), { prefixes: NO_PREFIXES, calleeUrl: () => 'http://127.0.0.1:1', auth: testIssuer().auth }),
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
  KAFKA_BROKERS: '127.0.0.1:1',
  PORT: '0',
};

describe('failure bounds a service is started with', () => {
  it('stop the service before it connects to anything when one is not a positive number, naming it', async () => {
    const inventory = run('inventory', { ...base, DB_LOCK_TIMEOUT_MS: '-5' });
    expect(await inventory.exited).toBe(1);
    expect(inventory.output()).toContain('DB_LOCK_TIMEOUT_MS: Too small');
  });

  it('refuse a backlog bound no longer than the relay lease, naming both', async () => {
    const inventory = run('inventory', { ...base, OUTBOX_RELAY_LEASE_MS: '40000' });
    expect(await inventory.exited).toBe(1);
    expect(inventory.output()).toContain('OUTBOX_MAX_AGE_MS: must be longer than OUTBOX_RELAY_LEASE_MS (40000)');
  });
});
