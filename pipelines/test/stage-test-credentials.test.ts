import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { issuerDir } from '@msa/infra/local-paths';
import { DevIssuer, devIssuerName } from '@msa/service-kit/dev-issuer';
import { STAGE_TEST_CUSTOMER, stageTestHeaders } from '../src/stage-test/credentials.ts';

const roots: string[] = [];
const tempRoot = () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'stage-cred-'));
  roots.push(root);
  return root;
};
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('the stage tests speak to the API as a customer', () => {
  it("sign their own token with a local stack's dev issuer: the stack's issuer and audience, a customer without roles", async () => {
    const root = tempRoot();
    DevIssuer.open(issuerDir('rehearsal-dev', root), 'rehearsal-dev'); // what `up` of that local stack creates
    const { authorization } = await stageTestHeaders(root, 'rehearsal-dev', {});
    const claims = decodeJwt(authorization!.replace(/^Bearer /, ''));
    expect(claims).toMatchObject({ iss: devIssuerName('rehearsal-dev'), sub: STAGE_TEST_CUSTOMER, roles: [] });
  });

  it('use the token a workflow gives them, ahead of any local issuer', async () => {
    expect(await stageTestHeaders(tempRoot(), 'prod', { MSA_STAGE_TEST_TOKEN: ' eyJ.given.token ' })).toEqual({ authorization: 'Bearer eyJ.given.token' });
  });

  it('refuse a stack with neither, naming the variable to set, before any request', async () => {
    await expect(stageTestHeaders(tempRoot(), 'staging', {})).rejects.toThrow(/stage-test --env staging: .*set MSA_STAGE_TEST_TOKEN/);
  });
});
