import { existsSync } from 'node:fs';
import path from 'node:path';
import type { StackOutputs } from '@msa/catalog';
import { issuerDir } from '@msa/infra/local-paths';
import { bearer, DevIssuer } from '@msa/service-kit/dev-issuer';

/** A token the stack's issuer signed for a test customer, used as given. */
export const STAGE_TEST_TOKEN_ENV = 'MSA_STAGE_TEST_TOKEN';
/** A Cognito refresh token of the stage's test customer (a GitHub environment secret): exchanged for a fresh token per run. */
export const STAGE_TEST_REFRESH_TOKEN_ENV = 'MSA_STAGE_TEST_REFRESH_TOKEN';

/** The customer the stage tests speak for when they mint their own token: it sees only its own orders. */
export const STAGE_TEST_CUSTOMER = 'stage-test';

/** Cognito's regional endpoint, from the pool's issuer URL (https://cognito-idp.<region>.amazonaws.com/<pool>). */
export function cognitoEndpoint(issuer: string): string {
  const { protocol, host } = new URL(issuer);
  return `${protocol}//${host}/`;
}

/**
 * Exchanges a refresh token for an access token: Cognito's InitiateAuth with REFRESH_TOKEN_AUTH, a
 * public (unsigned) call the API's app client allows (ALLOW_REFRESH_TOKEN_AUTH, api-identity.ts).
 * The access token names the client in `client_id`, which the services accept as the audience.
 */
export async function cognitoAccessToken(issuer: string, clientId: string, refreshToken: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  const res = await fetchImpl(cognitoEndpoint(issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as { AuthenticationResult?: { AccessToken?: string }; __type?: string; message?: string };
  const token = body.AuthenticationResult?.AccessToken;
  if (!res.ok || !token) {
    throw new Error(`Cognito refused ${STAGE_TEST_REFRESH_TOKEN_ENV} for client ${clientId}: ${res.status} ${body.__type ?? ''} ${body.message ?? ''}`.trim());
  }
  return token;
}

/**
 * The headers that let the stage tests through the API's authentication, as an ordinary customer
 * (no operator role: the saga paths need none), in this order:
 * 1. MSA_STAGE_TEST_TOKEN, used as given;
 * 2. MSA_STAGE_TEST_REFRESH_TOKEN, exchanged with the Cognito pool the stack exports (`identity`);
 * 3. a local stack's dev issuer (.local/stacks/<stack>/issuer), which signs a token itself.
 * A stack with none of these is refused here, naming the variables, instead of failing as 401s.
 */
export async function stageTestHeaders(
  root: string,
  stack: string,
  outputs: Pick<StackOutputs, 'identity'> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  fetchImpl: typeof fetch = fetch,
): Promise<Record<string, string>> {
  const given = env[STAGE_TEST_TOKEN_ENV]?.trim();
  if (given) return { authorization: bearer(given) };
  const refresh = env[STAGE_TEST_REFRESH_TOKEN_ENV]?.trim();
  if (refresh) {
    if (!outputs?.identity) throw new Error(`stage-test --env ${stack}: ${STAGE_TEST_REFRESH_TOKEN_ENV} is set but the stack exports no Cognito identity (output identity)`);
    return { authorization: bearer(await cognitoAccessToken(outputs.identity.issuer, outputs.identity.clientId, refresh, fetchImpl)) };
  }
  const dir = issuerDir(stack, root);
  if (existsSync(path.join(dir, 'signing-key.json'))) {
    const token = await DevIssuer.open(dir, stack).mint({ sub: STAGE_TEST_CUSTOMER, roles: [], ttlSeconds: 900 });
    return { authorization: bearer(token) };
  }
  throw new Error(
    `stage-test --env ${stack}: the API needs a bearer token and ${stack} has no local dev issuer (${dir}); ` +
      `set ${STAGE_TEST_REFRESH_TOKEN_ENV} to a refresh token of the stack's test customer (or ${STAGE_TEST_TOKEN_ENV} to a token)`,
  );
}
