import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';

/** What a service whose catalog store is redis gets in a cloud stack. */
export interface CacheSettings {
  readonly nodeType: string;
  readonly engineVersion: string;
}

export const CACHE_SETTINGS: CacheSettings = { nodeType: 'cache.t4g.small', engineVersion: '7.1' };
export const REDIS_PORT = 6379;

export interface ServiceCacheArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetGroupName: pulumi.Input<string>;
  readonly serviceName: string;
  /** prod: two nodes in two zones with automatic failover, and daily snapshots kept a week. */
  readonly highlyAvailable: boolean;
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/**
 * One service's own Redis: an ElastiCache replication group (cluster mode off, so a Lua script may
 * touch any of its keys) with TLS in transit, encryption at rest and an AUTH token, behind a
 * security group that admits nothing until a rule names a workload, as the PostgreSQL stores.
 */
export class ServiceCache extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly port: number = REDIS_PORT;
  readonly authToken: pulumi.Output<string>;

  constructor(name: string, args: ServiceCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:ServiceCache', name, {}, opts);
    const parent = { parent: this };
    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId, description: `Redis of ${args.serviceName}: admits only its pods`, tags: { ...args.tags, Name: `${name}-sg`, 'msa.dev/role': 'store' },
    }, parent);
    // ElastiCache AUTH tokens are 16-128 printable characters without @, " or /: letters and digits only.
    const token = new random.RandomPassword(`${name}-auth`, { length: 48, special: false }, parent);
    const ha = args.highlyAvailable;
    const group = new aws.elasticache.ReplicationGroup(`${name}-redis`, {
      description: `${args.serviceName}'s own Redis`,
      engine: 'redis',
      engineVersion: CACHE_SETTINGS.engineVersion,
      nodeType: CACHE_SETTINGS.nodeType,
      port: REDIS_PORT,
      numCacheClusters: ha ? 2 : 1,
      automaticFailoverEnabled: ha,
      multiAzEnabled: ha,
      subnetGroupName: args.subnetGroupName,
      securityGroupIds: [sg.id],
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: token.result,
      snapshotRetentionLimit: ha ? 7 : 0,
      applyImmediately: !ha,
      tags: args.tags,
    }, { ...parent, protect: args.protect, additionalSecretOutputs: ['authToken'] });
    this.securityGroupId = sg.id;
    this.address = group.primaryEndpointAddress;
    this.authToken = pulumi.secret(token.result);
    this.registerOutputs({ address: this.address, securityGroupId: this.securityGroupId });
  }
}
