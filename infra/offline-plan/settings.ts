import type { CapturedResource } from './mocks.ts';

type Settings = Record<string, string | number | boolean>;
type Extract = (inputs: Record<string, any>, nameOf: (id: string) => string) => Settings;

const hours = (ms: string | undefined) => (ms ? `${Number(ms) / 3_600_000}h` : 'default');

/** The settings worth comparing between environments, per resource type; other types list by name only. */
const KEY_SETTINGS: Record<string, Extract> = {
  'aws:ec2/vpc:Vpc': (i) => ({ cidr: i.cidrBlock }),
  'aws:ecr/repository:Repository': (i) => ({ name: i.name, forceDelete: i.forceDelete ?? false, tags: i.imageTagMutability }),
  'aws:ec2/subnet:Subnet': (i) => ({ az: i.availabilityZone, cidr: i.cidrBlock }),
  'aws:eks/cluster:Cluster': (i) => ({
    version: i.version, publicEndpoint: i.vpcConfig?.endpointPublicAccess, publicCidrs: (i.vpcConfig?.publicAccessCidrs ?? []).join(','),
  }),
  'aws:eks/nodeGroup:NodeGroup': (i) => ({
    instanceTypes: i.instanceTypes.join(','), nodes: `${i.scalingConfig.minSize}/${i.scalingConfig.desiredSize}/${i.scalingConfig.maxSize}`, diskGiB: i.diskSize,
  }),
  'aws:msk/cluster:Cluster': (i) => ({
    kafka: i.kafkaVersion, brokers: i.numberOfBrokerNodes, instanceType: i.brokerNodeGroupInfo.instanceType, storageGiB: i.brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize,
  }),
  'aws:msk/topic:Topic': (i) => ({ partitions: i.partitionCount, replication: i.replicationFactor, retention: hours(JSON.parse(i.configs ?? '{}')['retention.ms']) }),
  'aws:rds/instance:Instance': (i) => ({
    class: i.instanceClass, postgres: i.engineVersion, storageGiB: i.allocatedStorage, multiAz: i.multiAz, deletionProtection: i.deletionProtection,
    skipFinalSnapshot: i.skipFinalSnapshot ?? false, backupDays: i.backupRetentionPeriod, encrypted: i.storageEncrypted, public: i.publiclyAccessible,
  }),
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': (i, nameOf) => ({
    port: i.fromPort === i.toPort ? i.fromPort : `${i.fromPort}-${i.toPort}`, from: i.referencedSecurityGroupId ? nameOf(i.referencedSecurityGroupId) : i.cidrIpv4, to: nameOf(i.securityGroupId),
  }),
  'aws:ec2/natGateway:NatGateway': (i, nameOf) => ({ subnet: nameOf(i.subnetId) }),
  'kubernetes:apps/v1:Deployment': (i) => ({ replicas: i.spec.replicas, image: i.spec.template.spec.containers.map((c: { image: string }) => c.image).join(',') }),
  'kubernetes:autoscaling/v2:HorizontalPodAutoscaler': (i) => ({
    min: i.spec.minReplicas, max: i.spec.maxReplicas, cpu: `${i.spec.metrics[0]?.resource?.target?.averageUtilization}%`,
  }),
  'kubernetes:policy/v1:PodDisruptionBudget': (i) => ({ maxUnavailable: i.spec.maxUnavailable }),
  'kubernetes:networking.k8s.io/v1:Ingress': (i) => ({ host: i.spec.rules[0]?.host, tls: (i.spec.tls?.length ?? 0) > 0 }),
  'kubernetes:core/v1:Secret': (i) => ({ keys: Object.keys(i.stringData ?? i.data ?? {}).sort().join(','), values: '[secret]' }),
  'kubernetes:core/v1:Namespace': (i) => ({ name: i.metadata.name }),
  'kubernetes:helm.sh/v3:Release': (i) => ({ chart: `${i.chart}@${i.version}`, namespace: i.namespace }),
};

/** `aws:rds/instance:Instance` → `aws:rds.Instance`; `kubernetes:apps/v1:Deployment` → `k8s:Deployment`. */
export function shortType(type: string): string {
  const [pkg, mod = '', kind = ''] = type.split(':');
  if (pkg === 'kubernetes') return `k8s:${kind}`;
  if (pkg === 'msa' || pkg === 'pulumi') return `${pkg}:${kind}`;
  return `${pkg}:${mod.split('/')[0]}.${kind}`;
}

/** Where losing the resource loses data or the platform: their `protect` is shown, so a diff of two stacks lists every deletion-safety difference. */
const DELETION_GUARDED = new Set(['aws:ec2/vpc:Vpc', 'aws:eks/cluster:Cluster', 'aws:msk/cluster:Cluster', 'aws:rds/instance:Instance', 'aws:ecr/repository:Repository']);

export function keySettings(r: CapturedResource, nameOf: (id: string) => string): Settings {
  const settings = KEY_SETTINGS[r.type]?.(r.inputs, nameOf) ?? {};
  return DELETION_GUARDED.has(r.type) ? { ...settings, protect: r.protect ?? false } : settings;
}
