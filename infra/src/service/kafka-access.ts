/** MSK ARNs for topics and groups follow the cluster's: arn:aws:kafka:<region>:<acct>:cluster/<name>/<uuid>. */
function sibling(clusterArn: string, kind: 'topic' | 'group', name: string): string {
  const at = clusterArn.indexOf(':cluster/');
  if (at < 0) throw new Error(`not an MSK cluster ARN: ${clusterArn}`);
  return `${clusterArn.slice(0, at)}:${kind}/${clusterArn.slice(at + ':cluster/'.length)}/${name}`;
}

export interface KafkaAccess {
  produces: readonly string[];
  /** Topics read (what it consumes); its dead-letter topic is written, not read, so it is not here. */
  consumes: readonly string[];
  /** Dead-letter topic the consumer writes to. */
  deadLetter?: string;
  /** Consumer group prefix (the service's name). */
  group: string;
  /**
   * The producer is idempotent (the service kit's always is: `idempotent: true`, so it asks for a producer id first).
   * MSK checks that against kafka-cluster:WriteDataIdempotently on the cluster (infra/facts/msk-iam.json).
   */
  idempotent: boolean;
}

/** IAM statements letting one service write its own topics and read only what it consumes: least privilege per service. */
export function kafkaPolicy(clusterArn: string, access: KafkaAccess): string {
  const writes = [...access.produces, ...(access.deadLetter ? [access.deadLetter] : [])];
  const statements: object[] = [
    { Effect: 'Allow', Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: [clusterArn] },
  ];
  if (writes.length && access.idempotent) {
    statements.push({ Effect: 'Allow', Action: ['kafka-cluster:WriteDataIdempotently'], Resource: [clusterArn] });
  }
  if (writes.length) {
    statements.push({
      Effect: 'Allow',
      Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      Resource: writes.map((t) => sibling(clusterArn, 'topic', t)),
    });
  }
  if (access.consumes.length) {
    statements.push(
      { Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: access.consumes.map((t) => sibling(clusterArn, 'topic', t)) },
      { Effect: 'Allow', Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'], Resource: [sibling(clusterArn, 'group', `${access.group}*`)] },
    );
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
