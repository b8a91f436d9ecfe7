import pRetry from 'p-retry';
import { healthPaths, type Service, type StackOutputs } from '@msa/catalog';

export interface SmokeResult {
  ok: boolean;
  checks: { url: string; status: number | string }[];
  detail: string;
}

/**
 * The smoke test after a deploy: the service's health and readiness endpoints (paths from its
 * catalog entry) answer 2xx at the base URL the stack exports, within the time allowed for a start.
 */
export async function smokeTest(service: Pick<Service, 'name' | 'http'>, baseUrl: string | undefined, timeoutMs = 60_000): Promise<SmokeResult> {
  if (!baseUrl) {
    return { ok: false, checks: [], detail: `the stack exports no endpoint for ${service.name} (stack output endpoints.${service.name})` };
  }
  const paths = healthPaths(service);
  const urls = [paths.health, paths.readiness].map((p) => `${baseUrl.replace(/\/+$/, '')}${p}`);
  const checks: { url: string; status: number | string }[] = [];
  const started = Date.now();
  try {
    await pRetry(
      async () => {
        checks.length = 0;
        for (const url of urls) {
          const status = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
            (r) => r.status,
            (e: Error) => (e.cause as Error | undefined)?.message ?? e.message,
          );
          checks.push({ url, status });
          if (typeof status !== 'number' || status < 200 || status > 299) throw new Error(`${url} answered ${status}`);
        }
      },
      { retries: Number.POSITIVE_INFINITY, minTimeout: 200, maxTimeout: 2_000, maxRetryTime: timeoutMs },
    );
    return { ok: true, checks, detail: `${urls.join(' and ')} answered 2xx` };
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
