import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { topicName, type Catalog } from '@msa/catalog';
import type { AwsStackConfig } from '../../config/aws-schema.ts';
import { awsTags, k8sLabels, PLATFORM, type Env } from '../../config/context.ts';
import type { CloudServiceSpec } from '../../config/services.ts';
import { LoadBalancerController } from '../../ingress/load-balancer-controller.ts';
import { PublicIngress } from '../../ingress/public-ingress.ts';
import { Topics } from '../../kafka/topics.ts';
import { admitCallers, inClusterUrl } from '../../service/calls.ts';
import type { ContractOutputs } from '../../config/outputs.ts';
import { Microservice } from '../../service/service.ts';
import { nodeAutoscaler } from '../../cluster/autoscaler.ts';
import { externalDns } from '../../ingress/external-dns.ts';
import { createPlatform, protectData, referencePlatform, PLATFORM_KEYS } from './platform.ts';

/** Everything a cloud stack deploys. Config and catalog arrive validated; nothing here reads config. */
export async function deployAws(env: Env, config: AwsStackConfig, catalog: Catalog, specs: CloudServiceSpec[]) {
  const shared = config.cluster.mode === 'reference';
  // A referenced platform is read and checked first, so a bad reference registers nothing else.
  const referenced = config.cluster.mode === 'reference' ? await referencePlatform(env, config.cluster.stack) : undefined;
  const awsProvider = new aws.Provider(`${env.stack}-aws`, { region: config.region as aws.Region });
  const platform = referenced ?? createPlatform(env, config, { providers: { aws: awsProvider } });
  const k8sProvider = new k8s.Provider(`${env.stack}-k8s`, { kubeconfig: platform.kubeconfig, enableServerSideApply: true }, { dependsOn: platform.ready ?? [] });
  const opts = { providers: { aws: awsProvider, kubernetes: k8sProvider } };
  // Preview stacks share a cluster and Kafka: their namespaces and topics carry the stack's name.
  const prefix = shared ? { namespace: `${env.stack}-`, topic: `${env.stack}.` } : { namespace: '', topic: '' };

  // One of each controller per cluster: a stack that references another's platform uses the ones that stack runs.
  const controllerArgs = {
    clusterName: platform.clusterName, region: config.region, oidcProviderArn: platform.oidcProviderArn, oidcIssuer: platform.oidcIssuer,
    tags: awsTags(env, PLATFORM), labels: k8sLabels(env, PLATFORM),
  };
  const controller = shared ? undefined : new LoadBalancerController(`${env.stack}-alb-controller`, { ...controllerArgs, vpcId: platform.vpcId }, opts);
  if (!shared) {
    // The HPAs add pods; the autoscaler adds the nodes they need, up to the node group's max.
    nodeAutoscaler(`${env.stack}-node-autoscaler`, controllerArgs, opts);
    // Points msa:ingress.host (and the preview stacks' hosts under it) at the load balancers.
    externalDns(`${env.stack}-external-dns`, { ...controllerArgs, zoneId: config.ingress.zoneId }, opts);
  }

  const topics = new Topics(`${env.stack}-topics`, {
    clusterArn: platform.kafkaClusterArn,
    names: catalog.topics.map((t) => topicName(prefix.topic, t)),
    settings: config.kafka.topics,
  }, opts);

  const host = {
    env, region: config.region, prefix, database: config.database, protect: protectData(config),
    vpcId: platform.vpcId, dataSubnetGroupName: platform.dataSubnetGroupName, cacheSubnetGroupName: platform.cacheSubnetGroupName, clusterSecurityGroupId: platform.clusterSecurityGroupId,
    oidcProviderArn: platform.oidcProviderArn, oidcIssuer: platform.oidcIssuer,
    kafkaClusterArn: platform.kafkaClusterArn, kafkaBootstrap: platform.kafkaBootstrap, kafkaSecurityGroupId: platform.kafkaSecurityGroupId,
  };
  const services: Record<string, Microservice> = {};
  for (const spec of specs) {
    services[spec.service.name] = new Microservice(`${env.stack}-${spec.service.name}`, { spec, host }, { ...opts, dependsOn: [topics] });
  }
  admitCallers(env, specs, services);
  const publicUrls = new Map(specs
    .filter((p) => p.service.public)
    .map((p) => {
      const svc = services[p.service.name];
      if (!svc) throw new Error(`no resources for public service ${p.service.name}`);
      const owner = { service: p.service.name, team: p.service.team };
      const ingress = new PublicIngress(`${env.stack}-${p.service.name}-public`, {
        host: config.ingress.host, zoneId: config.ingress.zoneId, namespace: svc.namespace, serviceName: p.service.name,
        vpcId: platform.vpcId, podSecurityGroupId: svc.podSecurityGroupId, port: p.service.port, healthCheckPath: p.service.http.readiness,
        tags: awsTags(env, owner), labels: k8sLabels(env, owner), controller,
      }, opts);
      return [p.service.name, ingress.url] as const;
    }));

  // The stack contract the pipeline reads (catalog's StackOutputs): a public service answers at its
  // public URL, an internal one in the cluster only. Releases as applied feed the drift check.
  const contract: ContractOutputs = {
    target: 'aws',
    endpoints: Object.fromEntries(specs.map((p) => [p.service.name, publicUrls.get(p.service.name) ?? inClusterUrl(p.service.name, prefix.namespace)])),
    releases: Object.fromEntries(specs.map((p) => [p.service.name, p.release])),
  };
  return {
    ...contract,
    environment: env.environment,
    platform: shared ? undefined : Object.fromEntries(PLATFORM_KEYS.map((k) => [k, platform[k]])),
    topics: topics.arns,
    services: Object.fromEntries(Object.entries(services).map(([name, s]) => [name, {
      namespace: s.namespace,
      database: { address: s.databaseAddress, password: s.databasePassword },
    }])),
  };
}
