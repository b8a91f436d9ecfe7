import { z } from 'zod';
import { STORE_ENGINES, type ServiceEntry } from '../schema.ts';
import { calleeEnvVar, type Prefixes } from './names.ts';

/** The one variable that tells a service which release it runs; it reports it on its health path and in metrics. */
export const VERSION_ENV = 'SERVICE_VERSION';

const list = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean));
const httpPath = z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'an absolute path such as /healthz');

/** How a service validates what serviceEnv gave it (the service kit extends it with its own settings). */
export function serviceEnvSchema() {
  return z.object({
    SERVICE_NAME: z.string().min(1),
    // Optional: a service started by hand reports its package's version.
    [VERSION_ENV]: z.string().min(1).optional(),
    SERVICE_DESCRIPTION: z.string().default(''),
    /** The catalog's `public`: a public API keeps taking requests while its outbox is stalled. */
    SERVICE_PUBLIC: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    PORT: z.coerce.number().int().min(0).max(65535),
    TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
    TOPICS_PRODUCED: list,
    TOPICS_CONSUMED: list,
    HEALTH_PATH: httpPath,
    READINESS_PATH: httpPath,
    METRICS_PATH: httpPath,
    OPENAPI_PATH: httpPath,
    /** PostgreSQL services only; the kit's default when the catalog gives none. */
    MIGRATIONS_DIR: z.string().min(1).default('migrations'),
    /** The catalog's store.engine: what the store URL variable (STORE_URL_ENV) points at. */
    STORE_ENGINE: z.enum(STORE_ENGINES).default('postgres'),
  });
}

/** The variables serviceEnv sets (without the callees'): a stack's config may not override them. */
export const SERVICE_ENV_NAMES: ReadonlySet<string> = new Set(Object.keys(serviceEnvSchema().shape));

export interface ServiceEnvOptions {
  prefixes: Pick<Prefixes, 'topic'>;
  /** The release's version (msa:releases.<svc>.version), or the target's default; none: the service reports its package's. */
  version?: string;
  /** Base URL of a callee as the caller reaches it in this environment. */
  calleeUrl: (callee: string) => string;
  /** The listening port; the catalog's port unless the environment moves it (local stacks offset it). */
  port?: number;
}

/**
 * What a launcher (cloud pod, local stack, system tests) tells a service about itself, resolved from
 * the catalog for one environment: a service reads these and never its service.yaml.
 */
export function serviceEnv(service: ServiceEntry, o: ServiceEnvOptions): Record<string, string> {
  return {
    SERVICE_NAME: service.name,
    ...(o.version !== undefined ? { [VERSION_ENV]: o.version } : {}),
    SERVICE_DESCRIPTION: service.description,
    SERVICE_PUBLIC: String(service.public),
    PORT: String(o.port ?? service.port),
    TOPIC_PREFIX: o.prefixes.topic,
    TOPICS_PRODUCED: service.topics.produces.join(','),
    TOPICS_CONSUMED: service.topics.consumes.join(','),
    HEALTH_PATH: service.http.health,
    READINESS_PATH: service.http.readiness,
    METRICS_PATH: service.http.metrics,
    OPENAPI_PATH: service.http.openapi,
    ...(service.database ? { MIGRATIONS_DIR: service.database.migrations } : {}),
    STORE_ENGINE: service.store.engine,
    ...Object.fromEntries(service.calls.map((callee) => [calleeEnvVar(callee), o.calleeUrl(callee)])),
  };
}

