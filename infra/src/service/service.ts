import * as pulumi from '@pulumi/pulumi';
import type { CloudServiceSpec } from '../config/services.ts';
import { awsTags, k8sLabels } from '../config/context.ts';
import { consumerGroup, deadLetterTopic, serviceEnv, topicName } from '@msa/catalog';
import { inClusterUrl } from './calls.ts';
import { ownStore } from './store.ts';
import type { ServiceHost } from './host.ts';
import { ServiceIdentity } from './identity.ts';
import { kafkaPolicy } from './kafka-access.ts';
import { CallerPolicy } from './network-policy.ts';
import { WorkloadSecurity } from './security.ts';
import { Workload } from './workload.ts';

export interface MicroserviceArgs {
  readonly spec: CloudServiceSpec;
  readonly host: ServiceHost;
  /** The services whose catalog entry `calls` this one: the only ones its NetworkPolicy admits. */
  readonly callers: readonly string[];
}

/** One catalog service on the platform: its own store (PostgreSQL or Redis, store.ts), identity, network access and workload. */
export class Microservice extends pulumi.ComponentResource {
  readonly databaseAddress: pulumi.Output<string>;
  readonly databasePassword: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  /** The security group only this service's pods carry. */
  readonly podSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: MicroserviceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:Microservice', name, {}, opts);
    const { spec, host, callers } = args;
    const svc = spec.service;
    const owner = { service: svc.name, team: svc.team };
    const tags = awsTags(host.env, owner);
    const labels = k8sLabels(host.env, owner);
    const namespace = `${host.prefix.namespace}${svc.name}`;
    const topic = (t: string) => topicName(host.prefix.topic, t);
    const parent = { parent: this };
    const store = ownStore(name, svc, host, tags, labels, this);
    const security = new WorkloadSecurity(`${name}-net`, {
      vpcId: host.vpcId, clusterSecurityGroupId: host.clusterSecurityGroupId, databaseSecurityGroupId: store.securityGroupId, storePort: store.port,
      kafkaSecurityGroupId: host.kafkaSecurityGroupId, port: svc.port, tags,
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
    new CallerPolicy(`${name}-callers`, {
      namespace: identity.namespace, serviceName: svc.name, port: svc.port, labels,
      callers: callers.map((c) => ({ service: c, namespace: `${host.prefix.namespace}${c}` })),
      loadBalancerSubnetCidrs: svc.public ? host.loadBalancerSubnetCidrs : undefined,
    }, parent);
    const startAfter = store.prepare?.({ namespace: identity.namespace, podSecurityGroupId: security.securityGroupId });
    // The pod template sets PORT itself (the catalog's port, which serviceEnv would give too).
    const { PORT: _port, ...contractEnv } = serviceEnv(svc, {
      prefixes: { topic: host.prefix.topic }, version: spec.release.version, calleeUrl: (callee) => inClusterUrl(callee, host.prefix.namespace),
      otlpEndpoint: host.otlpEndpoint,
      auth: host.auth,
    });
    new Workload(`${name}-app`, {
      service: svc,
      namespace: identity.namespace,
      image: spec.release.image,
      replicas: spec.replicas,
      serviceAccountName: identity.serviceAccountName,
      podSecurityGroupId: security.securityGroupId,
      database: store.env,
      env: {
        ...contractEnv,
        MSA_ENVIRONMENT: host.env.environment,
        KAFKA_BROKERS: host.kafkaBootstrap, KAFKA_AUTH: 'aws-iam', AWS_REGION: host.region,
      },
      labels,
      startAfter: startAfter ? [startAfter] : [],
    }, parent);
    this.databaseAddress = store.address;
    this.databasePassword = store.password;
    this.namespace = identity.namespace;
    this.podSecurityGroupId = security.securityGroupId;
    this.registerOutputs({ databaseAddress: this.databaseAddress, namespace: this.namespace });
  }
}
