import type { CredentialProvider } from '@platformatic/kafka';

export interface MskToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiryTime: number;
}

export type TokenSigner = (region: string) => Promise<MskToken>;

/**
 * Signs with AWS's own signer and the default credential chain (on EKS: the pod's service account
 * role, through its web identity token). Imported on first use, so a service that never talks to
 * MSK never loads the AWS SDK.
 */
export const awsSigner: TokenSigner = async (region) => {
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  return generateAuthToken({ region });
};

/** A token is reused while it has at least this long to live; the broker's session then ends well before the token does. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * The OAUTHBEARER token of MSK's IAM auth: a presigned `kafka-cluster:Connect` request, valid 15
 * minutes. Every connection (and every re-authentication, which the client runs before the broker's
 * session ends) asks for one; one token serves them all until it is close to expiry, and concurrent
 * askers share one signing.
 */
export function mskIamTokenProvider(region: string, sign: TokenSigner = awsSigner, now: () => number = Date.now): CredentialProvider<string> {
  let current: MskToken | undefined;
  let pending: Promise<MskToken> | undefined;
  return async () => {
    if (current && current.expiryTime - now() > RENEW_BEFORE_EXPIRY_MS) return current.token;
    pending ??= sign(region).finally(() => {
      pending = undefined;
    });
    current = await pending;
    return current.token;
  };
}
