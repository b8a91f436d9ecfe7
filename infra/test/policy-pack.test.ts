import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policies } from '../policies/policies.ts';
import { RunningPolicyPack } from './policy-runtime.ts';
import { asPolicyResources, capture } from './support.ts';

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
    const c = await capture('prod');
    expect(await pack.analyzeStack(asPolicyResources(c.resources))).toEqual([]);
  });

  it('reports a database opened to another service and an image by tag, by policy and resource', async () => {
    const c = await capture('staging');
    const resources = asPolicyResources(c.resources);
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
