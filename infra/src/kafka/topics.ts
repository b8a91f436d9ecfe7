import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface TopicSettings {
  readonly partitions: number;
  readonly replication: number;
  readonly retentionHours: number;
}

export interface TopicsArgs {
  readonly clusterArn: pulumi.Input<string>;
  /** Full topic names, prefix included. */
  readonly names: readonly string[];
  readonly settings: TopicSettings;
}

/**
 * The catalog's topics on MSK. `aws.msk.Topic` goes through the MSK control-plane API,
 * so it works while the brokers are reachable only from inside the VPC.
 */
export class Topics extends pulumi.ComponentResource {
  readonly arns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TopicsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:kafka:Topics', name, {}, opts);
    const { partitions, replication, retentionHours } = args.settings;
    for (const topic of args.names) {
      const t = new aws.msk.Topic(`${name}-${topic}`, {
        clusterArn: args.clusterArn,
        name: topic,
        partitionCount: partitions,
        replicationFactor: replication,
        configs: JSON.stringify({
          'retention.ms': String(retentionHours * 3_600_000),
          'cleanup.policy': 'delete',
          'min.insync.replicas': String(Math.max(1, replication - 1)),
        }),
      }, { parent: this });
      this.arns[topic] = t.arn;
    }
    this.registerOutputs({ topics: args.names });
  }
}
