import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { readLocalStackFile } from '@msa/stack-driver';
import { tokenVerifier } from '@msa/service-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { issuerDir, stackRuntimeDir } from '../../src/targets/local/paths.ts';
import { resolveLocalStack } from '../../src/targets/local/spec.ts';

const run = promisify(execFile);
const root = findRepoRoot(import.meta.dirname);
const stack = `tok-${process.pid}`;

afterAll(() => rmSync(stackRuntimeDir(stack, root), { recursive: true, force: true }));

describe("a local stack's development issuer", () => {
  it("gives every service the stack's own issuer: its name, the API audience and the JWKS file under the stack's folder", () => {
    const plan = resolveLocalStack('local', readLocalStackFile(root, 'local'), loadCatalog(root), root);
    for (const s of plan.services) {
      expect(s.serviceEnv).toMatchObject({
        AUTH_ISSUER: 'urn:msa:dev-issuer:local',
        AUTH_AUDIENCE: 'msa-api',
        AUTH_JWKS: path.join(issuerDir('local', root), 'jwks.json'),
      });
    }
  });

  it('prints a token the stack\'s services accept (npm run token), with the roles asked for, and keeps the key private', async () => {
    mkdirSync(stackRuntimeDir(stack, root), { recursive: true });
    const cli = path.join(root, 'infra/src/targets/local/token-cli.ts');
    const { stdout } = await run(process.execPath, [cli, '--stack', stack, '--sub', 'alice', '--role', 'operator']);
    const verify = tokenVerifier({ issuer: `urn:msa:dev-issuer:${stack}`, audience: 'msa-api', jwks: path.join(issuerDir(stack, root), 'jwks.json'), rolesClaim: 'roles' });
    expect(await verify(`Bearer ${stdout.trim()}`)).toEqual({ sub: 'alice', roles: ['operator'] });
    expect(statSync(path.join(issuerDir(stack, root), 'signing-key.json')).mode & 0o777).toBe(0o600);
    expect(statSync(issuerDir(stack, root)).mode & 0o777).toBe(0o700);
    // Another stack's services refuse it: each local stack has an issuer of its own.
    await expect(tokenVerifier({ issuer: 'urn:msa:dev-issuer:local', audience: 'msa-api', jwks: path.join(issuerDir(stack, root), 'jwks.json'), rolesClaim: 'roles' })(`Bearer ${stdout.trim()}`)).rejects.toThrow(/not valid/);
  });

  it('names what is wrong: a missing --sub, a stack that is not up', async () => {
    const cli = path.join(root, 'infra/src/targets/local/token-cli.ts');
    await expect(run(process.execPath, [cli, '--role', 'operator'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--sub is required/) });
    await expect(run(process.execPath, [cli, '--sub', 'a', '--stack', 'no-such-stack'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/no local stack "no-such-stack"/) });
  });
});
