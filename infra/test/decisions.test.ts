import { describe, expect, it } from 'vitest';
import { subnetCidr } from '../src/network/cidr.ts';
import { kafkaPolicy } from '../src/service/kafka-access.ts';

describe('subnetCidr carves fixed /+4 blocks', () => {
  it.each([
    ['10.40.0.0/16', 0, '10.40.0.0/20'],
    ['10.40.0.0/16', 1, '10.40.16.0/20'],
    ['10.40.0.0/16', 8, '10.40.128.0/20'],
    ['10.40.0.0/16', 15, '10.40.240.0/20'],
    ['172.16.0.0/20', 4, '172.16.4.0/24'],
    ['10.1.2.3/16', 0, '10.1.0.0/20'],
  ])('%s block %i is %s', (cidr, index, expected) => {
    expect(subnetCidr(cidr, index)).toBe(expected);
  });
  it('refuses a block beyond the sixteenth', () => {
    expect(() => subnetCidr('10.0.0.0/16', 16)).toThrow(/cannot carve subnet 16/);
  });
});

describe('kafkaPolicy grants a service its own topics only', () => {
  const cluster = 'arn:aws:kafka:eu-central-1:123456789012:cluster/prod-kafka/uuid-1';
  it('writes what it produces and its dead-letter topic idempotently, reads what it consumes, in its own groups', () => {
    const doc = JSON.parse(kafkaPolicy(cluster, { produces: ['order.events'], consumes: ['inventory.events'], deadLetter: 'order.dlq', group: 'order', idempotent: true }));
    expect(doc.Statement).toEqual([
      { Effect: 'Allow', Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: [cluster] },
      // MSK checks an idempotent producer's producer-id request on the cluster, not on a topic.
      { Effect: 'Allow', Action: ['kafka-cluster:WriteDataIdempotently'], Resource: [cluster] },
      { Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: [
        'arn:aws:kafka:eu-central-1:123456789012:topic/prod-kafka/uuid-1/order.events',
        'arn:aws:kafka:eu-central-1:123456789012:topic/prod-kafka/uuid-1/order.dlq',
      ] },
      { Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: ['arn:aws:kafka:eu-central-1:123456789012:topic/prod-kafka/uuid-1/inventory.events'] },
      { Effect: 'Allow', Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'], Resource: ['arn:aws:kafka:eu-central-1:123456789012:group/prod-kafka/uuid-1/order*'] },
    ]);
  });
  it('gives a pure producer no read or group rights', () => {
    const doc = JSON.parse(kafkaPolicy(cluster, { produces: ['audit.events'], consumes: [], group: 'audit', idempotent: true }));
    expect(doc.Statement.flatMap((s: { Action: string[] }) => s.Action)).not.toContain('kafka-cluster:ReadData');
  });
  it('rejects an ARN that is not an MSK cluster', () => {
    expect(() => kafkaPolicy('arn:aws:s3:::bucket', { produces: ['x'], consumes: [], group: 'x', idempotent: true })).toThrow(/not an MSK cluster ARN/);
  });
});
