import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { topicName, type Catalog } from '@msa/catalog';
import type { AwsStackConfig } from '../../config/aws-schema.ts';
import { awsTags, k8sLabels, PLATFORM, type Env } from '../../config/context.ts';
import type { CloudServiceSpec } from '../../config/services.ts';
import { LoadBalancerController } from '../../ingress/load-balancer-controller.ts';
import { PublicIngress } from '../../ingress/public-ingress.ts';
import { ApiIdentity } from '../../ingress/api-identity.ts';
import { ApiWebAcl } from '../../ingress/web-acl.ts';
import { Topics } from '../../kafka/topics.ts';
import { admitCallers, inClusterUrl } from '../../service/calls.ts';
import type { ContractOutputs } from '../../config/outputs.ts';
import { Microservice } from '../../service/service.ts';
import { nodeAutoscaler } from '../../cluster/autoscaler.ts';
import { externalDns } from '../../ingress/external-dns.ts';
import { MonitoringStack } from '../../monitoring/monitoring-stack.ts';
import { otlpEndpoint } from '../../monitoring/namespace.ts';
import { ServiceMonitoring } from '../../monitoring/service-monitoring.ts';
import { createPlatform, protectData, referencePlatform, PLATFORM_KEYS } from './platform.ts';

/**
 * Every IAM role the stack creates (IRSA, node, controller roles, in whichever component) carries the permissions
 * boundary, so no policy attached to it later can reach beyond it. Given to each top-level component: children inherit
 * their parent's transformations.
 */
function boundEveryRole(boundary: string): pulumi.ResourceTransformation {
  return (args) => (args.type === 'aws:iam/role:Role' ? { props: { ...args.props, permissionsBoundary: boundary }, opts: args.opts } : undefined);
}

/** Everything a cloud stack deploys. Config and catalog arrive validated; nothing here reads config. */
export async function deployAws(env: Env, config: AwsStackConfig, catalog: Catalog, specs: CloudServiceSpec[]) {
  const transformations = [boundEveryRole(config.permissionsBoundary)];
  const shared = config.cluster.mode === 'reference';
  // A referenced platform is read and checked first, so a bad reference registers nothing else.
  const referenced = config.cluster.mode === 'reference' ? await referencePlatform(env, config.cluster.stack) : undefined;
  const awsProvider = new aws.Provider(`${env.stack}-aws`, { region: config.region as aws.Region });
  const platform = referenced ?? createPlatform(env, config, { providers: { aws: awsProvider }, transformations });
  const k8sProvider = new k8s.Provider(`${env.stack}-k8s`, { kubeconfig: platform.kubeconfig, enableServerSideApply: true }, { dependsOn: platform.ready ?? [] });
  const opts = { providers: { aws: awsProvider, kubernetes: k8sProvider }, transformations };
  // Preview stacks share a cluster and Kafka: their namespaces and topics carry the stack's name.
  const prefix = shared ? { namespace: `${env.stack}-`, topic: `${env.stack}.` } : { namespace: '', topic: '' };

  // One of each controller per cluster: a stack that references another's platform uses the ones that stack runs.
  const controllerArgs = {
    clusterName: platform.clusterName, region: config.region, oidcProviderArn: platform.oidcProviderArn, oidcIssuer: platform.oidcIssuer,
    tags: awsTags(env, PLATFORM), labels: k8sLabels(env, PLATFORM),
  };
  // wafv2: the public ingress attaches the stack's web ACL (rate-based rule) to its load balancer.
  const controller = shared ? undefined : new LoadBalancerController(`${env.stack}-alb-controller`, { ...controllerArgs, vpcId: platform.vpcId, wafv2: true }, opts);
  if (!shared) {
    // The HPAs add pods; the autoscaler adds the nodes they need, up to the node group's max.
    nodeAutoscaler(`${env.stack}-node-autoscaler`, controllerArgs, opts);
    // Points msa:ingress.host (and the preview stacks' hosts under it) at the load balancers.
    externalDns(`${env.stack}-external-dns`, { ...controllerArgs, zoneId: config.ingress.zoneId }, opts);
  }
  // Metrics, alerts, dashboards and traces: one monitoring stack per cluster; preview stacks are scraped by their parent's.
  const monitoring = shared ? undefined : new MonitoringStack(`${env.stack}-monitoring`, {
    region: config.region, oidcProviderArn: platform.oidcProviderArn, oidcIssuer: platform.oidcIssuer,
    retention: config.monitoring?.retention ?? '15d', tags: awsTags(env, PLATFORM), labels: k8sLabels(env, PLATFORM),
  }, opts);

  const topics = new Topics(`${env.stack}-topics`, {
    clusterArn: platform.kafkaClusterArn,
    names: catalog.topics.map((t) => topicName(prefix.topic, t)),
    settings: config.kafka.topics,
  }, opts);

  // The stack's own identity provider: customers and operators sign in there; every service verifies its tokens.
  const identity = new ApiIdentity(`${env.stack}-identity`, { region: config.region, protect: protectData(config), tags: awsTags(env, PLATFORM) }, opts);
  const host = {
    env, region: config.region, prefix, database: config.database, protect: protectData(config), auth: identity.auth,
    vpcId: platform.vpcId, dataSubnetGroupName: platform.dataSubnetGroupName, cacheSubnetGroupName: platform.cacheSubnetGroupName, clusterSecurityGroupId: platform.clusterSecurityGroupId,
    oidcProviderArn: platform.oidcProviderArn, oidcIssuer: platform.oidcIssuer,
    kafkaClusterArn: platform.kafkaClusterArn, kafkaBootstrap: platform.kafkaBootstrap, kafkaSecurityGroupId: platform.kafkaSecurityGroupId,
    otlpEndpoint,
    loadBalancerSubnetCidrs: platform.loadBalancerSubnetCidrs,
  };
  const callersOf = (name: string) => specs.filter((p) => p.service.calls.includes(name)).map((p) => p.service.name);
  const services: Record<string, Microservice> = {};
  for (const spec of specs) {
    const svc = new Microservice(`${env.stack}-${spec.service.name}`, { spec, host, callers: callersOf(spec.service.name) }, { ...opts, dependsOn: [topics] });
    services[spec.service.name] = svc;
    const owner = { service: spec.service.name, team: spec.service.team };
    new ServiceMonitoring(`${env.stack}-${spec.service.name}-monitoring`, {
      service: spec.service, namespace: svc.namespace, podSecurityGroupId: svc.podSecurityGroupId, clusterSecurityGroupId: platform.clusterSecurityGroupId,
      labels: k8sLabels(env, owner), tags: awsTags(env, owner),
    }, { ...opts, dependsOn: monitoring ? [monitoring] : [] });
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
        paths: p.service.http.publicPaths,
        webAclArn: new ApiWebAcl(`${env.stack}-${p.service.name}-waf`, { tags: awsTags(env, owner) }, opts).arn,
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
    // Where customers and operators sign in (operators: the `operator` group); the API verifies its tokens.
    identity: { issuer: identity.auth.issuer, clientId: identity.auth.audience, userPoolId: identity.userPoolId },
    platform: shared ? undefined : Object.fromEntries(PLATFORM_KEYS.map((k) => [k, platform[k]])),
    topics: topics.arns,
    services: Object.fromEntries(Object.entries(services).map(([name, s]) => [name, {
      namespace: s.namespace,
      database: { address: s.databaseAddress, password: s.databasePassword },
    }])),
  };
}
