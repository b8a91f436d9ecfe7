import { beforeAll, describe, expect, it } from 'vitest';
import type { Capture } from '../offline-plan/capture.ts';
import type { CapturedResource } from '../offline-plan/mocks.ts';
import { facts, statementsOf } from './facts.ts';
import { CLOUD_STACKS, capture, ofType } from './support.ts';

type Statement = ReturnType<typeof statementsOf>[number];
const CONTROLLERS = 'system:serviceaccount:kube-system:';
const subjectOf = (role: CapturedResource) =>
  JSON.parse(role.inputs.assumeRolePolicy).Statement.flatMap((s: { Condition?: { StringEquals?: Record<string, string> } }) => Object.values(s.Condition?.StringEquals ?? {}))
    .find((v: string) => v.startsWith('system:serviceaccount:')) as string | undefined;

/** The tag keys and values a statement's conditions pin (aws:ResourceTag/... or aws:RequestTag/...), whatever the operator. */
function pinnedTags(s: Statement): [string, unknown][] {
  return Object.values(s.Condition ?? {}).flatMap((c) => Object.entries(c)).filter(([k]) => /^aws:(ResourceTag|RequestTag)\//.test(k));
}

/** Whether a statement limits its actions to resources (or new resources) of this one cluster: a tag naming the cluster, by key or value. */
const scopedToCluster = (s: Statement, cluster: string) =>
  pinnedTags(s).some(([k, v]) => k.includes(cluster) || ([] as unknown[]).concat(v).every((x) => x === cluster));

describe.each(CLOUD_STACKS)('the %s stack: controllers can change only their own cluster\'s resources', (stack) => {
  let c: Capture;
  let cluster: string;
  let policies: { subject: string; statements: Statement[] }[];
  beforeAll(async () => {
    c = await capture(stack);
    if (c.error) throw c.error;
    cluster = ofType(c, 'aws:eks/cluster:Cluster')[0]!.state.name;
    const roles = ofType(c, 'aws:iam/role:Role').filter((r) => subjectOf(r)?.startsWith(CONTROLLERS));
    policies = roles.map((role) => ({
      subject: subjectOf(role)!,
      statements: ofType(c, 'aws:iam/rolePolicy:RolePolicy').filter((p) => p.inputs.role === role.state.name).flatMap((p) => statementsOf(p.inputs.policy)),
    }));
  });

  it('finds the three controllers with IAM roles: load balancer controller, cluster autoscaler, external-dns', () => {
    expect(policies.map((p) => p.subject.slice(CONTROLLERS.length)).sort()).toEqual(['aws-load-balancer-controller', 'cluster-autoscaler', 'external-dns']);
  });

  it('limits every statement whose actions AWS lets be conditioned on tags to resources tagged for this cluster (iam-tag-conditions.json)', () => {
    const { taggableResourceOf, createdWithRequestTags } = facts.iamTagConditions();
    const unscoped: string[] = [];
    for (const { subject, statements } of policies) {
      for (const s of statements.filter((x) => x.Effect === 'Allow')) {
        const scopable = s.Action.filter((a) => a in taggableResourceOf || createdWithRequestTags.includes(a));
        if (scopable.length && !scopedToCluster(s, cluster)) unscoped.push(`${subject}: ${scopable.join(', ')}`);
      }
    }
    expect(unscoped).toEqual([]);
  });

  it('grants actions that take no tag condition only on named resources or under a service condition', () => {
    const { noTagConditions } = facts.iamTagConditions();
    for (const { statements } of policies) {
      for (const s of statements.filter((x) => x.Action.some((a) => a in noTagConditions))) {
        expect(s.Condition ?? ([] as string[]).concat(s.Resource).filter((r) => r !== '*'), JSON.stringify(s)).not.toEqual([]);
      }
    }
  });

  it('serves the public listener with TLS 1.2 or newer only (elb-tls-policies.json)', () => {
    const { protocolsOf, controllerDefault } = facts.elbTlsPolicies();
    const ingresses = ofType(c, 'kubernetes:networking.k8s.io/v1:Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    for (const ingress of ingresses) {
      const policy = ingress.inputs.metadata.annotations['alb.ingress.kubernetes.io/ssl-policy'] ?? controllerDefault;
      expect(protocolsOf[policy], `unknown ssl-policy ${policy}`).toBeDefined();
      expect(protocolsOf[policy]!.filter((p) => p === 'TLSv1' || p === 'TLSv1.1'), policy).toEqual([]);
    }
  });
});

describe('the scoping rule itself', () => {
  it('flags a statement that changes listeners with no cluster tag, as the controller policy did before', () => {
    const before: Statement = { Effect: 'Allow', Action: ['elasticloadbalancing:ModifyListener'], Resource: ['arn:aws:elasticloadbalancing:eu-west-1:*:listener/app/*/*/*'] };
    const after: Statement = { ...before, Condition: { StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'dev' } } };
    expect(scopedToCluster(before, 'dev')).toBe(false);
    expect(scopedToCluster({ ...before, Condition: { StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'prod' } } }, 'dev')).toBe(false);
    expect(scopedToCluster(after, 'dev')).toBe(true);
  });
});
