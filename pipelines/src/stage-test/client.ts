/**
 * The one place the stage tests call the public API. Everything goes through `callApi`, so what a
 * caller must add to reach it (the bearer token, stage-test/credentials.ts) is added here once.
 */
export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ApiClient {
  baseUrl: string;
  /** Headers every request carries: the `authorization` the API requires. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function callApi(client: ApiClient, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const url = `${client.baseUrl.replace(/\/+$/, '')}${path}`;
  const res = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...client.headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(client.timeoutMs ?? 5_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text, the check quotes it
  }
  return { status: res.status, body: parsed };
}
