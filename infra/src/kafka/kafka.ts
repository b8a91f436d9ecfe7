import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface KafkaArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  readonly version: string;
  readonly instanceType: string;
  readonly brokersPerAz: number;
  readonly storageGiB: number;
  /** Default replication for topics; also bounds min.insync.replicas. */
  readonly replication: number;
  /** `pulumi destroy` refuses to delete the brokers (prod). */
  readonly protect?: boolean;
  readonly tags: Record<string, string>;
}

/** An MSK cluster in private subnets, IAM-authenticated over TLS; topics are created explicitly, never on first use. */
export class Kafka extends pulumi.ComponentResource {
  readonly clusterArn: pulumi.Output<string>;
  readonly bootstrapBrokers: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: KafkaArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:kafka:Kafka', name, {}, opts);
    const parent = { parent: this };
    const sg = new aws.ec2.SecurityGroup(`${name}-brokers`, {
      vpcId: args.vpcId,
      description: 'MSK brokers: each service workload is admitted by a rule of its own',
      tags: { ...args.tags, Name: `${name}-brokers` },
    }, parent);
    const configuration = new aws.msk.Configuration(`${name}-config`, {
      kafkaVersions: [args.version],
      serverProperties: [
        'auto.create.topics.enable=false',
        `default.replication.factor=${args.replication}`,
        `min.insync.replicas=${Math.max(1, args.replication - 1)}`,
      ].join('\n'),
    }, parent);
    const cluster = new aws.msk.Cluster(`${name}-msk`, {
      kafkaVersion: args.version,
      numberOfBrokerNodes: args.brokersPerAz * args.subnetIds.length,
      brokerNodeGroupInfo: {
        instanceType: args.instanceType,
        clientSubnets: args.subnetIds,
        securityGroups: [sg.id],
        storageInfo: { ebsStorageInfo: { volumeSize: args.storageGiB } },
        connectivityInfo: { publicAccess: { type: 'DISABLED' } },
      },
      clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
      encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
      configurationInfo: { arn: configuration.arn, revision: configuration.latestRevision },
      tags: args.tags,
    }, { ...parent, protect: args.protect ?? false });
    this.clusterArn = cluster.arn;
    this.bootstrapBrokers = cluster.bootstrapBrokersSaslIam;
    this.securityGroupId = sg.id;
    this.registerOutputs({ clusterArn: this.clusterArn, bootstrapBrokers: this.bootstrapBrokers });
  }
}
