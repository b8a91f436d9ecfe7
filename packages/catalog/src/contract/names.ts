import type { ServiceEntry } from '../schema.ts';

/**
 * How one environment keeps its names apart from others that share the same servers: local clones
 * share one PostgreSQL and one Kafka, preview stacks share a cluster and MSK. Empty for an
 * environment that has the servers to itself.
 */
export interface Prefixes {
  /** Before every topic name and consumer group (the services' TOPIC_PREFIX), e.g. `pr7.`. */
  topic: string;
  /** Before every database and role name, e.g. `pr7_`. */
  database: string;
}

export const NO_PREFIXES: Prefixes = { topic: '', database: '' };

type Named = Pick<ServiceEntry, 'name'>;

/** A catalog topic as it exists on the broker of an environment. */
export function topicName(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}

/** The catalog name back from a broker name (the inverse of topicName). */
export function unprefixedTopic(prefix: string, topic: string): string {
  return prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
}

/** Topic where a service's consumer puts messages it cannot process (catalog name, before the prefix). */
export function deadLetterTopic(service: Named): string {
  return `${service.name}.dlq`;
}

/** The Kafka consumer group of a service: one per service and environment, so replicas share the work. */
export function consumerGroup(service: Named, prefixes: Pick<Prefixes, 'topic'>): string {
  return `${prefixes.topic}${service.name}`;
}

/** Topics a service writes: what it produces, and its dead-letter topic when it consumes anything. */
export function writtenTopics(service: Pick<ServiceEntry, 'name' | 'topics'>): string[] {
  return [...service.topics.produces, ...(service.topics.consumes.length > 0 ? [deadLetterTopic(service)] : [])];
}

/** The service's own database; its role has the same name and is the only one that may open it. */
export function databaseName(service: { database: { name: string } }, prefixes: Pick<Prefixes, 'database'>): string {
  return `${prefixes.database}${service.database.name}`;
}

export const databaseRole = databaseName;

/** The environment variable that gives a caller the base URL of a service it calls (`calls` in the catalog). */
export function calleeEnvVar(callee: string): string {
  return `${callee.toUpperCase().replace(/-/g, '_')}_URL`;
}

/** The paths a launcher probes: liveness (health) and readiness. */
export function healthPaths(service: Pick<ServiceEntry, 'http'>): { health: string; readiness: string } {
  return { health: service.http.health, readiness: service.http.readiness };
}
