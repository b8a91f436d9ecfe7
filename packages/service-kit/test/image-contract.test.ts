import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, orderSettles, request, TestSystem, waitForOk } from '@msa/system-tests';
import { launchSpec } from '../src/launch.ts';

/**
 * The cloud runs each image as uid 1000 (the node image's `node` user) on a read-only root
 * filesystem where only /tmp is writable. Here the built bundle runs as uid 1000 from a tree that
 * root owns, which that user cannot write either: a service that wrote anywhere but /tmp would fail.
 */
const UID = 1000;
let system: TestSystem;
const root = path.resolve(import.meta.dirname, '../../..');

beforeAll(async () => {
  system = await TestSystem.start({ only: ['inventory', 'delivery'] });
});
afterAll(async () => {
  await system?.close();
});

function run(service: string, env: Record<string, string>) {
  const spec = launchSpec(path.join(root, 'apps', service));
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    uid: UID,
    gid: UID,
    // The image's HOME is not writable either.
    env: { PATH: process.env.PATH ?? '', HOME: spec.cwd, ...spec.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('a built service under the image contract', () => {
  it('runs a whole order saga as uid 1000 in a tree it cannot write, and stops cleanly', async () => {
    const dist = path.join(root, 'apps', 'order', 'dist');
    // The premise: the service's folder is not writable for uid 1000.
    expect(statSync(dist).uid).not.toBe(UID);
    expect(statSync(dist).mode & 0o002).toBe(0);
    const port = await freePort();
    // The issuer's public keys where uid 1000 can read them (in the cloud they come over https from Cognito).
    const jwksDir = mkdtempSync(path.join(tmpdir(), 'jwks-'));
    chmodSync(jwksDir, 0o755);
    const env = system.envFor('order');
    copyFileSync(env.AUTH_JWKS!, path.join(jwksDir, 'jwks.json'));
    const order = run('order', { ...env, PORT: String(port), AUTH_JWKS: path.join(jwksDir, 'jwks.json') });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`);
      const placed = await request('POST', `http://127.0.0.1:${port}/orders`, { items: [{ sku: 'apple', quantity: 1 }], address: '1 Main Street' });
      expect(placed.status).toBe(201);
      const { status } = await orderSettles(`http://127.0.0.1:${port}`, placed.json.id);
      expect(status).toBe('CONFIRMED');
    } finally {
      order.child.kill('SIGTERM');
    }
    expect(await order.exited, order.output()).toBe(0);
    expect(order.output()).not.toMatch(/EACCES|EROFS|permission denied/i);
  });

  it('with KAFKA_AUTH=aws-iam and no AWS_REGION, stops before connecting to anything, naming the variable', async () => {
    const order = run('order', { ...system.envFor('order'), PORT: String(await freePort()), KAFKA_AUTH: 'aws-iam' });
    expect(await order.exited).toBe(1);
    expect(order.output()).toContain('AWS_REGION: required when KAFKA_AUTH=aws-iam');
  });

  it("with sslmode=require, loads Amazon RDS's CAs from the bundle and will not fall back to plain text", async () => {
    // The local PostgreSQL speaks no TLS: the client must refuse it rather than connect unencrypted.
    const env = system.envFor('order');
    const order = run('order', { ...env, PORT: String(await freePort()), DATABASE_URL: `${env.DATABASE_URL}?sslmode=require` });
    expect(await order.exited).toBe(1);
    expect(order.output()).toContain('The server does not support SSL connections');
  });
});

