import * as pulumi from '@pulumi/pulumi';
import type { CloudServiceSpec } from '../config/services.ts';
import { awsTags, k8sLabels } from '../config/context.ts';
import { consumerGroup, databaseName, hasDatabase, deadLetterTopic, NO_PREFIXES, serviceEnv, topicName } from '@msa/catalog';
import { inClusterUrl } from './calls.ts';
import { ServiceDatabase } from './database.ts';
import { DatabaseRoles } from './database-roles.ts';
import type { ServiceHost } from './host.ts';
import { ServiceIdentity } from './identity.ts';
import { kafkaPolicy } from './kafka-access.ts';
import { WorkloadSecurity } from './security.ts';
import { Workload } from './workload.ts';

export interface MicroserviceArgs {
  readonly spec: CloudServiceSpec;
  readonly host: ServiceHost;
}

/** One catalog service on the platform: its own database, identity, network access and workload. */
export class Microservice extends pulumi.ComponentResource {
  readonly databaseAddress: pulumi.Output<string>;
  readonly databasePassword: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  /** The security group only this service's pods carry. */
  readonly podSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: MicroserviceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:Microservice', name, {}, opts);
    const { spec, host } = args;
    const svc = spec.service;
    const owner = { service: svc.name, team: svc.team };
    const tags = awsTags(host.env, owner);
    const labels = k8sLabels(host.env, owner);
    const namespace = `${host.prefix.namespace}${svc.name}`;
    const topic = (t: string) => topicName(host.prefix.topic, t);
    const parent = { parent: this };
    if (!hasDatabase(svc)) {
      // The cloud targets provision PostgreSQL only so far; a stack reaches here only with a release of the service.
      throw new Error(`${svc.name}: its catalog store.engine is "${svc.store.engine}", which the aws target does not provision yet; leave msa:releases.${svc.name} out of this stack`);
    }
    // Each service has an RDS instance of its own, so no stack shares a database server: no prefix.
    const dbName = databaseName(svc, NO_PREFIXES);

    const db = new ServiceDatabase(`${name}-db`, { vpcId: host.vpcId, subnetGroupName: host.dataSubnetGroupName, dbName, settings: host.database, protect: host.protect, tags }, parent);
    const security = new WorkloadSecurity(`${name}-net`, {
      vpcId: host.vpcId, clusterSecurityGroupId: host.clusterSecurityGroupId, databaseSecurityGroupId: db.securityGroupId, kafkaSecurityGroupId: host.kafkaSecurityGroupId, port: svc.port, tags,
    }, parent);
    const consumes = svc.topics.consumes.map(topic);
    const policy = pulumi.output(host.kafkaClusterArn).apply((arn) => kafkaPolicy(arn, {
      produces: svc.topics.produces.map(topic),
      consumes,
      deadLetter: consumes.length ? topic(deadLetterTopic(svc)) : undefined,
      group: consumerGroup(svc, { topic: host.prefix.topic }),
      // The service kit's producer is idempotent (packages/service-kit createProducer); infra/test/cloud-rules.test.ts checks it.
      idempotent: true,
    }));
    const identity = new ServiceIdentity(`${name}-id`, {
      namespace, serviceName: svc.name, oidcProviderArn: host.oidcProviderArn, oidcIssuer: host.oidcIssuer, policy, tags, labels,
    }, parent);
    // The pods connect as the service's own role, never as the master user: a job creates the role first.
    const roles = new DatabaseRoles(`${name}-db-roles`, {
      serviceName: svc.name, namespace: identity.namespace, podSecurityGroupId: security.securityGroupId, engineVersion: host.database.engineVersion,
      host: db.address, port: db.port, database: dbName, masterUsername: db.masterUsername, masterPassword: db.masterPassword,
      appRole: db.username, appPassword: db.password, labels,
    }, parent);
    // The pod template sets PORT itself (the catalog's port, which serviceEnv would give too).
    const { PORT: _port, ...contractEnv } = serviceEnv(svc, {
      prefixes: { topic: host.prefix.topic }, version: spec.release.version, calleeUrl: (callee) => inClusterUrl(callee, host.prefix.namespace),
    });
    const url = pulumi.interpolate`postgres://${db.username}:${db.password}@${db.address}:${db.port}/${dbName}?sslmode=require`;
    new Workload(`${name}-app`, {
      service: svc,
      namespace: identity.namespace,
      image: spec.release.image,
      replicas: spec.replicas,
      serviceAccountName: identity.serviceAccountName,
      podSecurityGroupId: security.securityGroupId,
      database: { PGHOST: db.address, PGPORT: db.port.apply(String), PGDATABASE: dbName, PGUSER: db.username, PGPASSWORD: db.password, DATABASE_URL: pulumi.secret(url) },
      env: {
        ...contractEnv,
        MSA_ENVIRONMENT: host.env.environment,
        KAFKA_BROKERS: host.kafkaBootstrap, KAFKA_AUTH: 'aws-iam', AWS_REGION: host.region,
      },
      labels,
      startAfter: [roles.job],
    }, parent);
    this.databaseAddress = db.address;
    this.databasePassword = db.password;
    this.namespace = identity.namespace;
    this.podSecurityGroupId = security.securityGroupId;
    this.registerOutputs({ databaseAddress: this.databaseAddress, namespace: this.namespace });
  }
}
