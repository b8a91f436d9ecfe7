import { bearer, OPERATOR_ROLE, testIssuer } from '@msa/service-kit/dev-issuer';

/** Who a request speaks as: a token, or null for none. Default: the tests' operator (sees every order, may set stock). */
export interface RequestAs {
  token?: string | null;
}

/** The identity tests act as unless they say otherwise (services they start trust testIssuer). */
export const testOperatorToken = () => testIssuer().token('system-test', [OPERATOR_ROLE]);

/** Small JSON helpers for driving services from outside, as a signed-in client would. */
export async function request(method: string, url: string, body?: unknown, as: RequestAs = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const token = as.token === undefined ? await testOperatorToken() : as.token;
  const res = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: bearer(token) } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, json, headers: res.headers };
}

/** Polls until check returns a value, or fails with what it saw last. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
