import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ServiceAuth } from '@msa/catalog';
import { OPERATOR_ROLE } from '@msa/service-kit';

export interface ApiIdentityArgs {
  readonly region: string;
  /** Deletion protection (prod): the pool holds every customer's account. */
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/**
 * The stack's identity provider for the public API: a Cognito user pool (customers and operators),
 * one public app client (no secret: it runs in the customer's browser or app), and the `operator`
 * group whose members may set stock and read any order. The services verify the pool's tokens
 * themselves (service kit, AUTH_* from serviceEnv): issuer, JWKS URL and the client id as audience.
 */
export class ApiIdentity extends pulumi.ComponentResource {
  /** What every service of the stack gets in its env (roles from Cognito's `cognito:groups` claim). */
  readonly auth: ServiceAuth<pulumi.Output<string>>;
  readonly userPoolId: pulumi.Output<string>;

  constructor(name: string, args: ApiIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:ingress:ApiIdentity', name, {}, opts);
    const parent = { parent: this };
    const pool = new aws.cognito.UserPool(`${name}-users`, {
      // Accounts are made by the operators (admin API or console); self sign-up is a decision for the product.
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      usernameAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      mfaConfiguration: 'OPTIONAL',
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: false, temporaryPasswordValidityDays: 3 },
      accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
      deletionProtection: args.protect ? 'ACTIVE' : 'INACTIVE',
      tags: { ...args.tags, Name: `${name}-users` },
    }, { ...parent, protect: args.protect });
    const client = new aws.cognito.UserPoolClient(`${name}-api-client`, {
      userPoolId: pool.id,
      generateSecret: false,
      // SRP for people; ADMIN_USER_PASSWORD only with the account's IAM credentials (how an admin gets the stage
      // tests' refresh token, README); refresh tokens for both.
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      // "Incorrect username or password" for an unknown user too: accounts cannot be enumerated.
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' },
    }, parent);
    new aws.cognito.UserGroup(`${name}-operators`, {
      userPoolId: pool.id,
      name: OPERATOR_ROLE,
      description: 'May set stock levels and read any order',
    }, parent);
    const issuer = pulumi.interpolate`https://cognito-idp.${args.region}.amazonaws.com/${pool.id}`;
    this.userPoolId = pool.id;
    this.auth = { issuer, audience: client.id, jwks: pulumi.interpolate`${issuer}/.well-known/jwks.json`, rolesClaim: 'cognito:groups' };
    this.registerOutputs({ userPoolId: pool.id, issuer, clientId: client.id });
  }
}
