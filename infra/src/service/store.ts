import * as pulumi from '@pulumi/pulumi';
import { databaseName, hasDatabase, NO_PREFIXES, REDIS_KEY_PREFIX_ENV, redisKeyPrefix, STORE_URL_ENV, type Service } from '@msa/catalog';
import { ServiceCache } from './cache.ts';
import { ServiceDatabase } from './database.ts';
import { DatabaseRoles } from './database-roles.ts';
import type { ServiceHost } from './host.ts';

/** A service's own store in a cloud stack, whatever its engine: what the workload and its network rules need. */
export interface OwnStore {
  securityGroupId: pulumi.Output<string>;
  port: number;
  address: pulumi.Output<string>;
  password: pulumi.Output<string>;
  /** The pods' connection settings (a secret of the namespace; the password is a Pulumi secret). */
  env: Record<string, pulumi.Input<string>>;
  /** What must run before the pods start (PostgreSQL: the job that creates the service's own role). */
  prepare?: (pods: { namespace: pulumi.Input<string>; podSecurityGroupId: pulumi.Input<string> }) => pulumi.Resource;
}

/** Provisions the engine the catalog's store.engine names: RDS PostgreSQL, or ElastiCache Redis. */
export function ownStore(name: string, svc: Service, host: ServiceHost, tags: Record<string, string>, labels: Record<string, string>, parent: pulumi.Resource): OwnStore {
  const opts = { parent };
  if (!hasDatabase(svc)) {
    const cache = new ServiceCache(`${name}-cache`, {
      vpcId: host.vpcId, subnetGroupName: host.cacheSubnetGroupName, serviceName: svc.name, highlyAvailable: host.protect, protect: host.protect, tags,
    }, opts);
    // One service per replication group: its keys still carry its prefix, as on a shared local server.
    const url = pulumi.interpolate`rediss://:${cache.authToken}@${cache.address}:${cache.port}/0`;
    return {
      securityGroupId: cache.securityGroupId, port: cache.port, address: cache.address, password: cache.authToken,
      env: { [STORE_URL_ENV.redis]: pulumi.secret(url), [REDIS_KEY_PREFIX_ENV]: redisKeyPrefix(svc, NO_PREFIXES) },
    };
  }
  // Each service has an RDS instance of its own, so no stack shares a database server: no prefix.
  const dbName = databaseName(svc, NO_PREFIXES);
  const db = new ServiceDatabase(`${name}-db`, { vpcId: host.vpcId, subnetGroupName: host.dataSubnetGroupName, dbName, settings: host.database, protect: host.protect, tags }, opts);
  const url = pulumi.interpolate`postgres://${db.username}:${db.password}@${db.address}:${db.port}/${dbName}?sslmode=require`;
  return {
    securityGroupId: db.securityGroupId, port: 5432, address: db.address, password: db.password,
    env: { PGHOST: db.address, PGPORT: db.port.apply(String), PGDATABASE: dbName, PGUSER: db.username, PGPASSWORD: db.password, [STORE_URL_ENV.postgres]: pulumi.secret(url) },
    // The pods connect as the service's own role, never as the master user: a job creates the role first.
    prepare: (pods) => new DatabaseRoles(`${name}-db-roles`, {
      serviceName: svc.name, namespace: pods.namespace, podSecurityGroupId: pods.podSecurityGroupId, engineVersion: host.database.engineVersion,
      host: db.address, port: db.port, database: dbName, masterUsername: db.masterUsername, masterPassword: db.masterPassword,
      appRole: db.username, appPassword: db.password, labels,
    }, opts).job,
  };
}
