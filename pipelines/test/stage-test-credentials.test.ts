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
    const { authorization } = await stageTestHeaders(root, 'rehearsal-dev', undefined, {});
    const claims = decodeJwt(authorization!.replace(/^Bearer /, ''));
    expect(claims).toMatchObject({ iss: devIssuerName('rehearsal-dev'), sub: STAGE_TEST_CUSTOMER, roles: [] });
  });

  it('use the token a workflow gives them, ahead of any local issuer', async () => {
    expect(await stageTestHeaders(tempRoot(), 'prod', undefined, { MSA_STAGE_TEST_TOKEN: ' eyJ.given.token ' })).toEqual({ authorization: 'Bearer eyJ.given.token' });
  });

  it("exchange a cloud stage's refresh token with the Cognito pool the stack exports, as Cognito's InitiateAuth API takes it", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    // Cognito cannot run here: this stands in for its documented wire format (AWS API reference, InitiateAuth).
    const cognito = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ AuthenticationResult: { AccessToken: 'access.from.cognito', ExpiresIn: 3600, TokenType: 'Bearer' } }), { status: 200 });
    }) as unknown as typeof fetch;
    const identity = { issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123', clientId: 'client-42', userPoolId: 'eu-central-1_AbC123' };
    const headers = await stageTestHeaders(tempRoot(), 'staging', { identity }, { MSA_STAGE_TEST_REFRESH_TOKEN: 'refresh-1' }, cognito);
    expect(headers).toEqual({ authorization: 'Bearer access.from.cognito' });
    expect(calls[0]!.url).toBe('https://cognito-idp.eu-central-1.amazonaws.com/');
    expect(new Headers(calls[0]!.init.headers).get('x-amz-target')).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: 'client-42', AuthParameters: { REFRESH_TOKEN: 'refresh-1' } });
  });

  it("say what Cognito answered when it refuses the refresh token", async () => {
    const refuse = (async () => new Response(JSON.stringify({ __type: 'NotAuthorizedException', message: 'Refresh Token has expired' }), { status: 400 })) as unknown as typeof fetch;
    const identity = { issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/p', clientId: 'c', userPoolId: 'p' };
    await expect(stageTestHeaders(tempRoot(), 'prod', { identity }, { MSA_STAGE_TEST_REFRESH_TOKEN: 'old' }, refuse)).rejects.toThrow(
      /Cognito refused MSA_STAGE_TEST_REFRESH_TOKEN for client c: 400 NotAuthorizedException Refresh Token has expired/,
    );
  });

  it('refuse a stack with none of them, naming the variables to set, before any request', async () => {
    await expect(stageTestHeaders(tempRoot(), 'staging', undefined, {})).rejects.toThrow(/stage-test --env staging: .*set MSA_STAGE_TEST_REFRESH_TOKEN .*MSA_STAGE_TEST_TOKEN/);
  });
});
