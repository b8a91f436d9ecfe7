import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policies } from '../policies/policies.ts';
import { imagesByDigest } from '../policies/rules/images-by-digest.ts';
import { noCrossServiceDatabaseAccess } from '../policies/rules/no-cross-service-database-access.ts';
import { noPublicDatabase } from '../policies/rules/no-public-database.ts';
import { prodDeletionProtection } from '../policies/rules/prod-deletion-protection.ts';
import { storageEncrypted } from '../policies/rules/storage-encrypted.ts';
import { noMasterCredentialsInPods } from '../policies/rules/no-master-credentials-in-pods.ts';
import { noOpenKubernetesApi } from '../policies/rules/no-open-kubernetes-api.ts';
import { protectProdData } from '../policies/rules/protect-prod-data.ts';
import type { Capture } from '../offline-plan/capture.ts';
import { RunningPolicyPack } from './policy-runtime.ts';
import { asPolicyResources, captureAll, CLOUD_STACKS } from './support.ts';

/** Violations a policy reports over a stack's resources, as `pulumi preview --policy-pack` would run it. */
async function violations(policy: ResourceValidationPolicy | StackValidationPolicy, resources: PolicyResource[]): Promise<string[]> {
  const found: string[] = [];
  const report = (message: string) => void found.push(message);
  if ('validateStack' in policy) {
    await policy.validateStack({ resources } as unknown as StackValidationArgs, report);
  } else {
    const validate = policy.validateResource;
    for (const r of resources) {
      for (const v of Array.isArray(validate) ? validate : validate ? [validate] : []) {
        await v({ type: r.type, props: r.props, urn: r.urn, name: r.name, opts: r.opts } as unknown as ResourceValidationArgs, report);
      }
    }
  }
  return found;
}

let captures: Record<string, Capture>;
const resourcesOf = (stack: string) => asPolicyResources(captures[stack]!.resources);
const find = (rs: PolicyResource[], type: string, where: (r: PolicyResource) => boolean = () => true) => rs.find((r) => r.type === type && where(r))!;
const RDS = 'aws:rds/instance:Instance';
const RULE = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';

beforeAll(async () => {
  captures = await captureAll();
});

describe('the policy pack passes every stack as the program plans it', () => {
  it.each(CLOUD_STACKS)('%s: no violation of any policy', async (stack) => {
    const rs = resourcesOf(stack);
    for (const policy of policies) expect(await violations(policy, rs), policy.name).toEqual([]);
  });
});

describe('each policy catches what it is for', () => {
  it('no-public-database: a publicly accessible RDS instance, PostgreSQL open to the internet, public MSK', async () => {
    const rs = resourcesOf('dev');
    find(rs, RDS).props.publiclyAccessible = true;
    Object.assign(find(rs, RULE, (r) => r.props.fromPort === 5432).props, { referencedSecurityGroupId: undefined, cidrIpv4: '0.0.0.0/0' });
    find(rs, 'aws:msk/cluster:Cluster').props.brokerNodeGroupInfo.connectivityInfo.publicAccess.type = 'SERVICE_PROVIDED_EIPS';
    const found = await violations(noPublicDatabase, rs);
    expect(found).toHaveLength(3);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/publicly accessible/),
      expect.stringMatching(/opens PostgreSQL \(5432\) to the internet/),
      expect.stringMatching(/MSK public access is SERVICE_PROVIDED_EIPS/),
    ]));
  });

  it('storage-encrypted: unencrypted RDS storage and plaintext Kafka clients', async () => {
    const rs = resourcesOf('test');
    find(rs, RDS).props.storageEncrypted = false;
    find(rs, 'aws:msk/cluster:Cluster').props.encryptionInfo.encryptionInTransit.clientBroker = 'TLS_PLAINTEXT';
    const found = await violations(storageEncrypted, rs);
    expect(found).toHaveLength(2);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/RDS storage is not encrypted/), expect.stringMatching(/clientBroker is TLS_PLAINTEXT/)]));
  });

  it('prod-deletion-protection: a prod database that could be deleted, single-AZ, without backups', async () => {
    const rs = resourcesOf('prod');
    Object.assign(find(rs, RDS).props, { deletionProtection: false, skipFinalSnapshot: true, multiAz: false, backupRetentionPeriod: 0 });
    expect(await violations(prodDeletionProtection, rs)).toEqual([
      'prod database without deletion protection',
      'prod database would be deleted without a final snapshot',
      'prod database is not multi-AZ',
      'prod database keeps 0 days of backups; at least 7',
    ]);
    // The same settings are fine where the environment is not prod.
    const dev = resourcesOf('dev');
    Object.assign(find(dev, RDS).props, { deletionProtection: false, skipFinalSnapshot: true });
    expect(await violations(prodDeletionProtection, dev)).toEqual([]);
  });

  it("no-cross-service-database-access: another service's pods, the nodes, or an address range reaching a database", async () => {
    const rs = resourcesOf('staging');
    const workloadOf = (svc: string) => find(rs, 'aws:ec2/securityGroup:SecurityGroup', (r) => r.props.tags.service === svc && r.props.tags['msa.dev/role'] === 'workload');
    const dbRule = (svc: string) => find(rs, RULE, (r) => r.propertyDependencies.securityGroupId?.[0]?.props.tags.service === svc && r.props.fromPort === 5432);
    dbRule('order').propertyDependencies.referencedSecurityGroupId = [workloadOf('inventory')];
    const cluster = { ...workloadOf('delivery'), name: 'staging-k8s-cluster-sg', props: { tags: { service: 'platform' } } } as PolicyResource;
    dbRule('delivery').propertyDependencies.referencedSecurityGroupId = [cluster];
    const inventory = dbRule('inventory');
    delete inventory.propertyDependencies.referencedSecurityGroupId;
    inventory.props.cidrIpv4 = '10.30.0.0/16';
    const found = await violations(noCrossServiceDatabaseAccess, rs);
    expect(found).toHaveLength(3);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/lets inventory \(workload\) reach the database of order/),
      expect.stringMatching(/lets platform \(not a workload\) reach the database of delivery/),
      expect.stringMatching(/admits 10\.30\.0\.0\/16 to the database of inventory/),
    ]));
  });

  it('images-by-digest: a tag outside dev is refused, a tag in dev is allowed', async () => {
    const staging = resourcesOf('staging');
    find(staging, 'kubernetes:apps/v1:Deployment').props.spec.template.spec.containers[0].image = 'registry.example/order:1.2.0';
    expect(await violations(imagesByDigest, staging)).toEqual([expect.stringMatching(/runs "registry.example\/order:1.2.0" by tag in staging; pin it by digest/)]);
    const dev = resourcesOf('dev');
    expect(dev.filter((r) => r.type === 'kubernetes:apps/v1:Deployment').every((d) => !d.props.spec.template.spec.containers[0].image.includes('@sha256:'))).toBe(true);
    expect(await violations(imagesByDigest, dev)).toEqual([]);
  });
});

describe('the rules every stack is held to', () => {
  it("protect-prod-data: prod's VPC, cluster, brokers or a database registered without protect", async () => {
    const rs = resourcesOf('prod');
    for (const type of ['aws:ec2/vpc:Vpc', 'aws:eks/cluster:Cluster', 'aws:msk/cluster:Cluster', RDS]) find(rs, type).opts.protect = false;
    expect((await violations(protectProdData, rs)).sort()).toEqual([
      'prod EKS cluster is not protected; register it with protect: true so `pulumi destroy` cannot delete it',
      'prod MSK cluster is not protected; register it with protect: true so `pulumi destroy` cannot delete it',
      'prod VPC is not protected; register it with protect: true so `pulumi destroy` cannot delete it',
      'prod database is not protected; register it with protect: true so `pulumi destroy` cannot delete it',
    ]);
    // Elsewhere nothing is protected, and nothing has to be.
    expect(resourcesOf('staging').some((r) => r.opts.protect)).toBe(false);
    expect(await violations(protectProdData, resourcesOf('staging'))).toEqual([]);
  });

  it('no-open-kubernetes-api: a public endpoint without CIDRs, or open to the whole internet', async () => {
    const rs = resourcesOf('dev');
    const vpc = find(rs, 'aws:eks/cluster:Cluster').props.vpcConfig;
    delete vpc.publicAccessCidrs;
    expect(await violations(noOpenKubernetesApi, rs)).toEqual([expect.stringMatching(/no publicAccessCidrs, so EKS opens it to 0\.0\.0\.0\/0/)]);
    vpc.publicAccessCidrs = ['203.0.113.0/24', '0.0.0.0/0'];
    expect(await violations(noOpenKubernetesApi, rs)).toEqual(['the public EKS endpoint admits 0.0.0.0/0, the whole internet; name narrower ranges']);
    vpc.endpointPublicAccess = false;
    expect(await violations(noOpenKubernetesApi, rs)).toEqual([]);
  });

  it("no-master-credentials-in-pods: a service's pods given the master user, through its Secret or a plain variable", async () => {
    const rs = resourcesOf('test');
    const order = find(rs, 'kubernetes:apps/v1:Deployment', (r) => r.props.metadata.namespace === 'order');
    const container = order.props.spec.template.spec.containers[0];
    container.envFrom = [{ secretRef: { name: 'order-db-master' } }];
    const delivery = find(rs, 'kubernetes:apps/v1:Deployment', (r) => r.props.metadata.namespace === 'delivery');
    delivery.props.spec.template.spec.containers[0].env.push({ name: 'PGUSER', value: 'delivery_svc_master' });
    const found = await violations(noMasterCredentialsInPods, rs);
    expect(found).toHaveLength(2);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/container order reads Secret order\/order-db-master, which holds an RDS master user's credentials/),
      expect.stringMatching(/container delivery connects as RDS master user delivery_svc_master \(PGUSER\)/),
    ]));
    // The one-shot job that creates the service's role is the master user's only reader: it is no long-running pod.
    expect(resourcesOf('test').filter((r) => r.type === 'kubernetes:batch/v1:Job').length).toBeGreaterThan(0);
  });
});

describe('the policy pack, served over the analyzer protocol as `pulumi preview --policy-pack infra/policies` runs it', () => {
  let pack: RunningPolicyPack;
  beforeAll(async () => {
    pack = await RunningPolicyPack.start();
  });
  afterAll(async () => {
    await pack?.stop();
  });

  it('loads under Node 24 from its TypeScript sources and announces every policy', async () => {
    expect((await pack.policyNames()).sort()).toEqual(policies.map((p) => p.name).sort());
  });

  it('finds nothing wrong in prod as the program plans it', async () => {
    expect(await pack.analyzeStack(resourcesOf('prod'))).toEqual([]);
  });

  it('reports a database opened to another service and an image by tag, by policy and resource', async () => {
    const resources = resourcesOf('staging');
    const workloadOf = (svc: string) => resources.find((r) => r.props.tags?.service === svc && r.props.tags?.['msa.dev/role'] === 'workload')!;
    const orderDbRule = resources.find((r) => r.name === 'staging-order-net-to-db')!;
    orderDbRule.propertyDependencies.referencedSecurityGroupId = [workloadOf('inventory')];
    const deployment = resources.find((r) => r.type === 'kubernetes:apps/v1:Deployment')!;
    deployment.props.spec.template.spec.containers[0].image = 'registry.example/app:latest';
    const found = await pack.analyzeStack(resources);
    expect(found.map((d) => [d.policy, d.urn])).toEqual(expect.arrayContaining([
      ['no-cross-service-database-access', orderDbRule.urn],
      ['images-by-digest', deployment.urn],
    ]));
    expect(found).toHaveLength(2);
    expect(found.find((d) => d.policy === 'no-cross-service-database-access')?.message).toMatch(/lets inventory \(workload\) reach the database of order/);
  });
});
