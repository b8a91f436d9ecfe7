import { beforeAll, describe, expect, it } from 'vitest';
import { settle, type Capture } from '../offline-plan/capture.ts';
import { previewStackConfig } from '../src/config/preview.ts';
import { capture, catalog, flatConfig, ofType, stackConfig } from './support.ts';

const DEV = 'acme/msa/dev';

/** A preview environment as the pull-request pipeline configures it: test's releases on dev's platform. */
function previewConfig(): Record<string, string> {
  return flatConfig(previewStackConfig(stackConfig('test'), { stack: 'pr-42', reference: DEV }));
}

describe('a preview stack reuses another stack\'s cluster and Kafka through a stack reference', () => {
  let dev: Capture;
  let preview: Capture;
  let platform: Record<string, string>;
  beforeAll(async () => {
    dev = await capture('dev');
    platform = (await settle(dev.outputs!.platform)) as Record<string, string>;
    preview = await capture('pr-42', { config: previewConfig(), stackOutputs: { [DEV]: { platform } } });
    if (preview.error) throw preview.error;
  });

  it('is derived from the source stack: its releases, no protection that would block teardown', () => {
    const config = previewStackConfig(stackConfig('test'), { stack: 'pr-42', reference: DEV });
    expect(config['msa:releases']).toEqual(stackConfig('test')['msa:releases']);
    expect(config['msa:database']).toMatchObject({ deletionProtection: false, multiAz: false });
    expect(config['msa:ingress']).toMatchObject({ host: 'pr-42.api.test.msa.example.com' });
    expect(config).not.toHaveProperty('msa:network');
  });

  it('creates no network, cluster or brokers of its own', () => {
    for (const t of ['aws:ec2/vpc:Vpc', 'aws:eks/cluster:Cluster', 'aws:eks/nodeGroup:NodeGroup', 'aws:msk/cluster:Cluster', 'aws:ec2/natGateway:NatGateway']) {
      expect(ofType(preview, t), t).toEqual([]);
    }
    expect(ofType(preview, 'pulumi:pulumi:StackReference').map((r) => r.inputs.name)).toEqual([DEV]);
  });

  it("puts its own databases in the shared VPC and its topics and namespaces under the stack's name", () => {
    // One store of its own per service: PostgreSQL or Redis, as the catalog's store.engine says.
    expect(ofType(preview, 'aws:rds/instance:Instance').length + ofType(preview, 'aws:elasticache/replicationGroup:ReplicationGroup').length).toBe(catalog.services.length);
    for (const sg of ofType(preview, 'aws:ec2/securityGroup:SecurityGroup')) expect(sg.inputs.vpcId).toBe(platform.vpcId);
    expect(ofType(preview, 'aws:msk/topic:Topic').map((t) => t.inputs.name).sort()).toEqual(catalog.topics.map((t) => `pr-42.${t}`));
    for (const t of ofType(preview, 'aws:msk/topic:Topic')) expect(t.inputs.clusterArn).toBe(platform.kafkaClusterArn);
    expect(ofType(preview, 'kubernetes:core/v1:Namespace').map((n) => n.inputs.metadata.name).sort()).toEqual(catalog.services.map((s) => `pr-42-${s.name}`).sort());
    const env = ofType(preview, 'kubernetes:apps/v1:Deployment')[0]!.inputs.spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([{ name: 'TOPIC_PREFIX', value: 'pr-42.' }, { name: 'KAFKA_BROKERS', value: platform.kafkaBootstrap }]));
  });

  it("points each caller at its callee's Service in the preview's own namespace, not the source stack's", () => {
    for (const s of catalog.services) {
      const env = ofType(preview, 'kubernetes:apps/v1:Deployment').find((d) => d.inputs.metadata.namespace === `pr-42-${s.name}`)!.inputs.spec.template.spec.containers[0].env;
      for (const callee of s.calls) {
        expect(env).toContainEqual({ name: `${callee.toUpperCase()}_URL`, value: `http://${callee}.pr-42-${callee}.svc.cluster.local:80` });
      }
    }
  });

  it("grants each service's IAM role only its own prefixed topics", () => {
    const order = catalog.byName('order');
    const policy = JSON.parse(ofType(preview, 'aws:iam/rolePolicy:RolePolicy').find((p) => p.name.includes('-order-'))!.inputs.policy);
    const writes = policy.Statement.find((s: { Action: string[] }) => s.Action.includes('kafka-cluster:WriteData')).Resource as string[];
    expect(writes.map((arn) => arn.split('/').pop()).sort()).toEqual([...order.topics.produces, order.deadLetterTopic].map((t) => `pr-42.${t}`).sort());
  });

  it("runs no load balancer controller of its own: the source stack's serves its ingress", () => {
    expect(ofType(preview, 'kubernetes:helm.sh/v3:Release')).toEqual([]);
    expect(ofType(preview, 'msa:ingress:LoadBalancerController')).toEqual([]);
    const ingress = ofType(preview, 'kubernetes:networking.k8s.io/v1:Ingress');
    expect(ingress).toHaveLength(catalog.services.filter((s) => s.public).length);
    expect(ingress[0]?.inputs.spec.ingressClassName).toBe('alb');
    expect(ofType(dev, 'kubernetes:helm.sh/v3:Release').map((r) => r.inputs.chart).sort()).toEqual(['aws-load-balancer-controller', 'cluster-autoscaler', 'external-dns', 'kube-prometheus-stack', 'opentelemetry-collector']);
  });

  it('stops with the missing key when the referenced stack exports no platform', async () => {
    const broken = await capture('pr-43', { config: previewConfig(), stackOutputs: { [DEV]: { platform: { ...platform, kafkaClusterArn: '' } } } });
    expect(broken.error?.message).toContain('msa:cluster.stack: "acme/msa/dev" exports no platform.kafkaClusterArn');
    // Only the reference itself was read; nothing was created.
    expect(broken.resources.map((r) => r.type)).toEqual(['pulumi:pulumi:StackReference']);
  });
});
