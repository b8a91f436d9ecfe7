import { beforeAll, describe, expect, it } from 'vitest';
import type { Capture } from '../offline-plan/capture.ts';
import { mockId } from '../offline-plan/mocks.ts';
import { facts } from './facts.ts';
import { type Client, hostIn, networkPoliciesAdmit, podGroups, reaches, securityGroupsAdmit, type Target } from './network-reach.ts';
import { CLOUD_STACKS, capture, catalog, ofType } from './support.ts';

const SERVICE_LABEL = 'app.kubernetes.io/name';

describe.each(CLOUD_STACKS)('the %s stack admits to each service only the callers its catalog names', (stack) => {
  let c: Capture;
  let targets: Target[];
  let pods: Client[];
  let clusterGroup: string;
  let workloadIp: string;
  beforeAll(async () => {
    c = await capture(stack);
    if (c.error) throw c.error;
    clusterGroup = ofType(c, 'aws:eks/cluster:Cluster')[0]!.state.vpcConfig.clusterSecurityGroupId;
    const workload = ofType(c, 'aws:ec2/subnet:Subnet').find((s) => s.name.includes('-workload-'))!;
    workloadIp = hostIn(workload.inputs.cidrBlock);
    targets = catalog.services.map((s) => {
      const deployment = ofType(c, 'kubernetes:apps/v1:Deployment').find((d) => d.inputs.metadata.namespace === s.name)!;
      const labels = deployment.inputs.spec.template.metadata.labels as Record<string, string>;
      return { service: s.name, namespace: s.name, labels, groups: podGroups(c, s.name, labels), port: s.port };
    });
    pods = targets.map((t) => ({ name: t.service, namespace: t.namespace, labels: t.labels, groups: t.groups, ip: workloadIp }));
  });

  it('turns on the vpc-cni network-policy agent, so NetworkPolicies are enforced (eks-network-policy.json)', () => {
    const cni = ofType(c, 'aws:eks/addon:Addon').find((a) => a.inputs.addonName === 'vpc-cni')!;
    expect(JSON.parse(cni.inputs.configurationValues)).toMatchObject(facts.networkPolicy().vpcCniConfiguration);
  });

  it('denies every ingress in each service namespace unless a policy admits it', () => {
    for (const t of targets) {
      const deny = ofType(c, 'kubernetes:networking.k8s.io/v1:NetworkPolicy')
        .filter((p) => p.inputs.metadata.namespace === t.namespace && Object.keys(p.inputs.spec.podSelector).length === 0 && !p.inputs.spec.ingress);
      expect(deny.map((p) => p.inputs.spec.policyTypes), t.namespace).toEqual([['Ingress']]);
    }
  });

  it("lets a service's pod reach another service exactly when its catalog entry calls it", () => {
    const calls = new Map(catalog.services.map((s) => [s.name, s.calls]));
    const pairs = pods.flatMap((from) => targets.filter((to) => to.service !== from.name).map((to) => ({ from, to })));
    expect(pairs.length).toBeGreaterThan(0);
    for (const { from, to } of pairs) {
      expect(reaches(c, from, to), `${from.name} -> ${to.service}`).toBe(calls.get(from.name)!.includes(to.service));
    }
    // The catalog has a call today (order -> delivery); without one this test would prove only denials.
    expect(pairs.some(({ from, to }) => reaches(c, from, to))).toBe(true);
  });

  it('stops a pod that is no service (it shares the nodes\' cluster group) at the NetworkPolicy', () => {
    const intruder: Client = { name: 'intruder', namespace: 'intruder', labels: { [SERVICE_LABEL]: 'intruder' }, groups: [clusterGroup], ip: workloadIp };
    for (const t of targets) {
      expect(securityGroupsAdmit(c, intruder, t), `${t.service}: kubelet probes need the cluster group`).toBe(true);
      expect(networkPoliciesAdmit(c, intruder, t), t.service).toBe(false);
    }
  });

  it("leaves the kubelet's probes open: the nodes' group on each service's port, the node's address past the policies", () => {
    const node: Client = { name: 'node', groups: [clusterGroup], ip: workloadIp, isNode: true };
    for (const t of targets) expect(reaches(c, node, t), t.service).toBe(true);
  });

  it('admits the load balancer to public services and to no other', () => {
    const albGroup = ofType(c, 'aws:ec2/securityGroup:SecurityGroup').find((g) => g.inputs.tags?.['msa.dev/role'] === 'load-balancer')!;
    const publicSubnet = ofType(c, 'aws:ec2/subnet:Subnet').find((s) => s.inputs.tags?.['kubernetes.io/role/elb'] === '1')!;
    const alb: Client = { name: 'alb', groups: [mockId(albGroup.type, albGroup.name)], ip: hostIn(publicSubnet.inputs.cidrBlock) };
    for (const t of targets) {
      expect(reaches(c, alb, t), t.service).toBe(catalog.services.find((s) => s.name === t.service)!.public);
    }
  });
});
