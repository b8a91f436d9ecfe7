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
    /** Where spans go (OTLP over http/protobuf, the standard OpenTelemetry variable); unset, tracing is off. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as http://127.0.0.1:4318' }).optional(),
    /** The share of new traces recorded, 0..1 (parent-based: a request's caller decides for its trace). */
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
    // Who may call: every service verifies bearer tokens against one issuer (README, "Security").
    /** The `iss` every token must carry: the stack's identity provider (Cognito, or the local stack's dev issuer). */
    AUTH_ISSUER: z.string().min(1),
    /** The `aud` (or Cognito's `client_id`) every token must carry: the API's client. */
    AUTH_AUDIENCE: z.string().min(1),
    /** Where the issuer's public keys are: an https:// JWKS URL, or an absolute path to a JWKS file. */
    AUTH_JWKS: z.string().regex(/^(https?:\/\/|\/)/, 'an http(s):// JWKS URL or an absolute path to a JWKS file'),
    /** The claim that lists a caller's roles (`roles` from the dev issuer, `cognito:groups` from Cognito). */
    AUTH_ROLES_CLAIM: z.string().min(1).default('roles'),
  });
}

/** The variables serviceEnv sets (without the callees'): a stack's config may not override them. */
export const SERVICE_ENV_NAMES: ReadonlySet<string> = new Set(Object.keys(serviceEnvSchema().shape));

export interface ServiceEnvOptions<A = string> {
  prefixes: Pick<Prefixes, 'topic'>;
  /** The release's version (msa:releases.<svc>.version), or the target's default; none: the service reports its package's. */
  version?: string;
  /** Base URL of a callee as the caller reaches it in this environment. */
  calleeUrl: (callee: string) => string;
  /** The listening port; the catalog's port unless the environment moves it (local stacks offset it). */
  port?: number;
  /** Where the environment's trace store takes spans (OTLP http/protobuf); none: the service does not trace. */
  otlpEndpoint?: string;
  /** The share of new traces recorded; the kit's default (all) when left out. */
  traceSampleRatio?: number;
  /** The environment's token issuer: every target names one, so no service runs without authentication. */
  auth: ServiceAuth<A>;
}

/**
 * The identity provider a target gives its services (serviceEnv's AUTH_* variables). A cloud target
 * knows its values only once they are created: A is then its deferred value type (a Pulumi Output).
 */
export interface ServiceAuth<A = string> {
  issuer: A;
  audience: A;
  /** An http(s):// JWKS URL or an absolute path to a JWKS file. */
  jwks: A;
  /** The claim listing roles; default `roles`. */
  rolesClaim?: string;
}

/**
 * What a launcher (cloud pod, local stack, system tests) tells a service about itself, resolved from
 * the catalog for one environment: a service reads these and never its service.yaml.
 */
export function serviceEnv<A = string>(service: ServiceEntry, o: ServiceEnvOptions<A>): Record<string, string | A> {
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
    ...(o.otlpEndpoint !== undefined ? { OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint } : {}),
    ...(o.traceSampleRatio !== undefined ? { OTEL_TRACES_SAMPLER_ARG: String(o.traceSampleRatio) } : {}),
    AUTH_ISSUER: o.auth.issuer,
    AUTH_AUDIENCE: o.auth.audience,
    AUTH_JWKS: o.auth.jwks,
    ...(o.auth.rolesClaim ? { AUTH_ROLES_CLAIM: o.auth.rolesClaim } : {}),
    ...Object.fromEntries(service.calls.map((callee) => [calleeEnvVar(callee), o.calleeUrl(callee)])),
  };
}

