import * as pulumi from '@pulumi/pulumi';
import type { AwsStackConfig } from '../../config/aws-schema.ts';
import { StackConfigError } from '../../config/errors.ts';
import { awsTags, PLATFORM, type Env } from '../../config/context.ts';
import { Cluster } from '../../cluster/cluster.ts';
import { Kafka } from '../../kafka/kafka.ts';
import { Network } from '../../network/network.ts';
import { SUBNET_BLOCK, subnetCidr } from '../../network/cidr.ts';

/** What a stack's services land on; cloud stacks export it as `platform` so preview stacks can reuse it. */
export interface Platform {
  vpcId: pulumi.Output<string>;
  dataSubnetGroupName: pulumi.Output<string>;
  cacheSubnetGroupName: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  clusterSecurityGroupId: pulumi.Output<string>;
  oidcProviderArn: pulumi.Output<string>;
  oidcIssuer: pulumi.Output<string>;
  kubeconfig: pulumi.Output<string>;
  kafkaClusterArn: pulumi.Output<string>;
  kafkaBootstrap: pulumi.Output<string>;
  kafkaSecurityGroupId: pulumi.Output<string>;
  /** The public subnets' CIDRs, comma-separated: load balancers reach the public service's pods from there (its NetworkPolicy). */
  loadBalancerSubnetCidrs: pulumi.Output<string>;
  /** Resources the workloads wait for (this stack's nodes); none for a referenced platform. */
  ready?: pulumi.Resource[];
}

/** Prod's data and the platform it stands on refuse `pulumi destroy` (`protect`); other environments come and go. */
export const protectData = (config: AwsStackConfig) => config.environment === 'prod';

export const PLATFORM_KEYS = [
  'vpcId', 'dataSubnetGroupName', 'cacheSubnetGroupName', 'clusterName', 'clusterSecurityGroupId', 'oidcProviderArn',
  'oidcIssuer', 'kubeconfig', 'kafkaClusterArn', 'kafkaBootstrap', 'kafkaSecurityGroupId', 'loadBalancerSubnetCidrs',
] as const satisfies readonly (keyof Platform)[];

/** A network, an EKS cluster and MSK of the stack's own, sized by its config. */
export function createPlatform(env: Env, config: AwsStackConfig, opts: pulumi.ComponentResourceOptions): Platform {
  const { cluster: c, network: n, kafka: k } = config;
  if (c.mode !== 'create' || !n || !k.brokers) throw new Error('createPlatform needs cluster.mode "create" with network and kafka.brokers');
  const tags = awsTags(env, PLATFORM);
  const protect = protectData(config);
  const network = new Network(`${env.stack}-net`, { ...n, protect, tags }, opts);
  const cluster = new Cluster(`${env.stack}-k8s`, {
    version: c.version, region: config.region, subnetIds: network.workloadSubnetIds, nodeInstanceTypes: c.nodeInstanceTypes, nodes: c.nodes, nodeDiskGiB: c.nodeDiskGiB,
    publicAccessCidrs: c.publicAccessCidrs, pipelineRoles: c.pipelineRoles, environment: config.environment, protect, tags,
  }, opts);
  const kafka = new Kafka(`${env.stack}-kafka`, {
    vpcId: network.vpcId, subnetIds: network.dataSubnetIds, version: k.brokers.version, instanceType: k.brokers.instanceType,
    brokersPerAz: k.brokers.perAz, storageGiB: k.brokers.storageGiB, replication: k.topics.replication, protect, tags,
  }, opts);
  return {
    vpcId: network.vpcId,
    dataSubnetGroupName: network.dataSubnetGroupName,
    cacheSubnetGroupName: network.cacheSubnetGroupName,
    clusterName: cluster.name,
    clusterSecurityGroupId: cluster.securityGroupId,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuer: cluster.oidcIssuer,
    kubeconfig: cluster.kubeconfig,
    kafkaClusterArn: kafka.clusterArn,
    kafkaBootstrap: kafka.bootstrapBrokers,
    kafkaSecurityGroupId: kafka.securityGroupId,
    loadBalancerSubnetCidrs: pulumi.output(n.availabilityZones.map((_, i) => subnetCidr(n.cidr, SUBNET_BLOCK.public + i)).join(',')),
    ready: cluster.ready,
  };
}

/** Another stack's platform, read through a stack reference and checked before anything else is registered. */
export async function referencePlatform(env: Env, stack: string): Promise<Platform> {
  const ref = new pulumi.StackReference(`${env.stack}-platform`, { name: stack });
  const details = await ref.getOutputDetails('platform');
  const exported = (details.value ?? details.secretValue ?? {}) as Record<string, unknown>;
  const missing = PLATFORM_KEYS.filter((k) => typeof exported[k] !== 'string' || exported[k] === '');
  if (missing.length > 0) {
    throw new StackConfigError(env.stack, [{
      key: 'msa:cluster.stack',
      message: `"${stack}" exports no platform.${missing.join(', platform.')}; name a cloud stack of this program that is deployed`,
    }]);
  }
  const value = (k: (typeof PLATFORM_KEYS)[number]) => pulumi.output(exported[k] as string);
  const out = Object.fromEntries(PLATFORM_KEYS.map((k) => [k, value(k)])) as unknown as Platform;
  out.kubeconfig = pulumi.secret(out.kubeconfig);
  return out;
}
