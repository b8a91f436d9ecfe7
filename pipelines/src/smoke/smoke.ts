import pRetry from 'p-retry';
import { healthPaths, type Service, type StackOutputs } from '@msa/catalog';

export interface SmokeResult {
  ok: boolean;
  checks: { url: string; status: number | string }[];
  detail: string;
}

/** One request of a smoke test and the status that passes it. */
export interface SmokeCheck {
  url: string;
  passes: (status: number) => boolean;
  expected: string;
}

/**
 * What a smoke test asks at a base URL. Where it reaches the service itself (local stacks, in-cluster
 * URLs): its health and readiness paths, 2xx. Through a public ingress (https, a service with
 * http.publicPaths), which routes only the API: an anonymous request to the API, refused with 401;
 * that answer needs the load balancer, the route, the service and its token check.
 */
export function smokeChecks(service: Pick<Service, 'http'>, baseUrl: string): SmokeCheck[] {
  const base = baseUrl.replace(/\/+$/, '');
  const api = service.http.publicPaths[0];
  if (api && new URL(base).protocol === 'https:') {
    return [{ url: `${base}${api.replace(/\/+$/, '')}/smoke-test`, passes: (s) => s === 401, expected: '401' }];
  }
  const paths = healthPaths(service);
  return [paths.health, paths.readiness].map((p) => ({ url: `${base}${p}`, passes: (s) => s >= 200 && s <= 299, expected: '2xx' }));
}

/**
 * The smoke test after a deploy: smokeChecks at the base URL the stack exports answer as expected,
 * within the time allowed for a start.
 */
export async function smokeTest(service: Pick<Service, 'name' | 'http'>, baseUrl: string | undefined, timeoutMs = 60_000): Promise<SmokeResult> {
  if (!baseUrl) {
    return { ok: false, checks: [], detail: `the stack exports no endpoint for ${service.name} (stack output endpoints.${service.name})` };
  }
  const planned = smokeChecks(service, baseUrl);
  const urls = planned.map((c) => c.url);
  const checks: { url: string; status: number | string }[] = [];
  const started = Date.now();
  try {
    await pRetry(
      async () => {
        checks.length = 0;
        for (const { url, passes } of planned) {
          const status = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
            (r) => r.status,
            (e: Error) => (e.cause as Error | undefined)?.message ?? e.message,
          );
          checks.push({ url, status });
          if (typeof status !== 'number' || !passes(status)) throw new Error(`${url} answered ${status}`);
        }
      },
      { retries: Number.POSITIVE_INFINITY, minTimeout: 200, maxTimeout: 2_000, maxRetryTime: timeoutMs },
    );
    return { ok: true, checks, detail: `${urls.join(' and ')} answered ${[...new Set(planned.map((c) => c.expected))].join(' or ')}` };
  } catch (e) {
    // An internal cloud service answers inside its cluster only: say where the test must run from.
    const inside = new URL(baseUrl).hostname.endsWith('.svc.cluster.local') ? ` (${baseUrl} is reachable only from inside the cluster)` : '';
    return { ok: false, checks, detail: `smoke test of ${service.name} failed after ${Date.now() - started} ms: ${(e as Error).message}${inside}` };
  }
}

/** Where a stack says a service answers: its `endpoints` output (the catalog's stack contract), service → base URL. */
export function endpointOf(outputs: StackOutputs | undefined, service: string): string | undefined {
  return outputs?.endpoints[service];
}
