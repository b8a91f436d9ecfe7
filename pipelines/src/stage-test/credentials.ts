import { existsSync } from 'node:fs';
import path from 'node:path';
import { issuerDir } from '@msa/infra/local-paths';
import { bearer, DevIssuer } from '@msa/service-kit/dev-issuer';

/** The variable a workflow sets to a token the stack's issuer (Cognito in the cloud) signed for a test customer. */
export const STAGE_TEST_TOKEN_ENV = 'MSA_STAGE_TEST_TOKEN';

/** The customer the stage tests speak for when they mint their own token: it sees only its own orders. */
export const STAGE_TEST_CUSTOMER = 'stage-test';

/**
 * The headers that let the stage tests through the API's authentication, as an ordinary customer
 * (no operator role: the saga paths need none). A token given in MSA_STAGE_TEST_TOKEN wins; a local
 * stack's token is minted from the dev issuer its services trust (.local/stacks/<stack>/issuer). A
 * cloud stack without a given token is refused here, naming the variable, instead of failing as 401s.
 */
export async function stageTestHeaders(root: string, stack: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const given = env[STAGE_TEST_TOKEN_ENV]?.trim();
  if (given) return { authorization: bearer(given) };
  const dir = issuerDir(stack, root);
  if (existsSync(path.join(dir, 'signing-key.json'))) {
    const token = await DevIssuer.open(dir, stack).mint({ sub: STAGE_TEST_CUSTOMER, roles: [], ttlSeconds: 900 });
    return { authorization: bearer(token) };
  }
  throw new Error(
    `stage-test --env ${stack}: the API needs a bearer token and ${stack} has no local dev issuer (${dir}); ` +
      `set ${STAGE_TEST_TOKEN_ENV} to a token of the stack's Cognito user pool for a test customer`,
  );
}
