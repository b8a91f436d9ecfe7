import * as pulumi from '@pulumi/pulumi';
import { lazyProvider } from './lazy-provider.ts';

export interface KafkaTopicArgs {
  brokers: pulumi.Input<string[]>;
  /** Full topic name, the stack's prefix included. */
  name: pulumi.Input<string>;
  partitions: pulumi.Input<number>;
}

const provider = lazyProvider(new URL('./kafka-topic-impl.ts', import.meta.url).href);

/** A topic on the local Kafka broker, created and deleted through the Kafka admin API. */
export class KafkaTopic extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly partitions: pulumi.Output<number>;
  declare readonly brokers: pulumi.Output<string[]>;

  constructor(name: string, args: KafkaTopicArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { brokers: args.brokers, name: args.name, partitions: args.partitions }, opts, 'msa-local', 'KafkaTopic');
  }
}
