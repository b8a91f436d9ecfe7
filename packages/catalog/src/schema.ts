import { z } from 'zod';
import { runtimeSchema } from './runtime.ts';

/** The stores a service may own: each target knows how to provision each engine. */
export const STORE_ENGINES = ['postgres', 'redis'] as const;
export type StoreEngine = (typeof STORE_ENGINES)[number];

/** A DNS-1123 label: usable as a Kubernetes name, a database name part and a topic prefix. */
const serviceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, 'a lowercase DNS label of 2-40 characters (a-z, 0-9, -)');

/** Kafka topic names: letters, digits, dots, dashes and underscores. */
export const topicNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name (letters, digits, ".", "_", "-")');

const httpPath = z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'an absolute path such as /healthz');

const sqlIdentifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a lowercase SQL identifier (a-z, 0-9, _)');

export const serviceSchema = z
  .object({
    name: serviceName,
    team: z.string().min(1, 'the owning team'),
    description: z.string().min(1),
    /** The port the service listens on inside its container; local stacks offset it. */
    port: z.number().int().min(1024).max(65535),
    /** The public API is reachable through the ingress; every other service is internal. */
    public: z.boolean().default(false),
    http: z
      .object({
        health: httpPath.default('/healthz'),
        readiness: httpPath.default('/readyz'),
        metrics: httpPath.default('/metrics'),
        openapi: httpPath.default('/openapi.json'),
        /** A public service's API path prefixes: the only paths its public ingress routes (never `/`). */
        publicPaths: z.array(httpPath.refine((p) => p !== '/', 'an API path prefix such as /orders, never / (it would route the probes and metrics)')).default([]),
      })
      .strict()
      .default({ health: '/healthz', readiness: '/readyz', metrics: '/metrics', openapi: '/openapi.json', publicPaths: [] }),
    /** How the service is built and run (runtime.ts); a service that names none is a Node.js service on the kit. */
    runtime: runtimeSchema,
    /** Which kind of store the service owns; postgres unless it says otherwise. */
    store: z
      .object({ engine: z.enum(STORE_ENGINES) })
      .strict()
      .default({ engine: 'postgres' }),
    /** The PostgreSQL database (store.engine postgres only). */
    database: z
      .object({
        /** Database and role name; owned by this service alone. */
        name: sqlIdentifier,
        /** Folder of versioned SQL migrations, relative to the service folder. */
        migrations: z.string().default('migrations'),
      })
      .strict()
      .optional(),
    topics: z
      .object({
        produces: z.array(topicNameSchema).default([]),
        consumes: z.array(topicNameSchema).default([]),
      })
      .strict()
      .default({ produces: [], consumes: [] }),
    /** Services this one calls synchronously (through a circuit breaker). */
    calls: z.array(serviceName).default([]),
    scaling: z
      .object({
        minReplicas: z.number().int().min(1),
        maxReplicas: z.number().int().min(1),
        cpuTarget: z.number().int().min(10).max(100).default(70),
      })
      .strict()
      .refine((s) => s.minReplicas <= s.maxReplicas, {
        message: 'minReplicas must not exceed maxReplicas',
        path: ['minReplicas'],
      }),
    resources: z
      .object({
        cpu: z.string().default('100m'),
        memory: z.string().default('128Mi'),
      })
      .strict()
      .default({ cpu: '100m', memory: '128Mi' }),
  })
  .strict()
  .superRefine((s, ctx) => {
    // The public ingress routes publicPaths only: the operational paths must stay outside every one of them.
    if (s.public && s.http.publicPaths.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['http', 'publicPaths'], message: 'a public service names the API path prefixes its ingress routes (e.g. [/orders])' });
    }
    if (!s.public && s.http.publicPaths.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['http', 'publicPaths'], message: 'only a public service (public: true) has public paths' });
    }
    const operational = [s.http.health, s.http.readiness, s.http.metrics, s.http.openapi];
    s.http.publicPaths.forEach((prefix, i) => {
      const exposed = operational.find((p) => p === prefix || p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
      if (exposed) ctx.addIssue({ code: 'custom', path: ['http', 'publicPaths', i], message: `would route the internal path ${exposed} through the public ingress` });
    });
    if (s.store.engine === 'postgres' && !s.database) {
      ctx.addIssue({ code: 'custom', path: ['database'], message: 'a postgres store needs `database: {name}` (or say `store: {engine: redis}`)' });
    }
    if (s.store.engine !== 'postgres' && s.database) {
      ctx.addIssue({ code: 'custom', path: ['database'], message: `a ${s.store.engine} store has no PostgreSQL database: remove \`database\`` });
    }
  });

/** One service as its catalog file describes it, defaults applied. */
export type ServiceEntry = z.infer<typeof serviceSchema>;
