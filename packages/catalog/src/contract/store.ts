import type { ServiceEntry } from '../schema.ts';
import type { Prefixes } from './names.ts';

type WithDatabase = { database: NonNullable<ServiceEntry['database']> };

/** A service whose store is PostgreSQL: it has its own database and role (databaseName). */
export function hasDatabase<S extends Pick<ServiceEntry, 'database'>>(service: S): service is S & WithDatabase {
  return service.database !== undefined;
}

/** The variable that gives a service the URL of its own store, by engine. */
export const STORE_URL_ENV = { postgres: 'DATABASE_URL', redis: 'REDIS_URL' } as const;

/** The variable that gives a Redis service the prefix its keys must carry (its ACL user may touch no other). */
export const REDIS_KEY_PREFIX_ENV = 'REDIS_KEY_PREFIX';

/**
 * A Redis service's user and key namespace: environments that share one server (local clones, the
 * system tests) keep apart by the database prefix, services by their name. The user may read and
 * write only keys under `<user>:`, as a PostgreSQL role may open only its own database.
 */
export function redisUser(service: Pick<ServiceEntry, 'name'>, prefixes: Pick<Prefixes, 'database'>): string {
  return `${prefixes.database}${service.name}`;
}

export function redisKeyPrefix(service: Pick<ServiceEntry, 'name'>, prefixes: Pick<Prefixes, 'database'>): string {
  return `${redisUser(service, prefixes)}:`;
}
