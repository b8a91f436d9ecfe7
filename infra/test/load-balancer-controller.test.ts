import { beforeAll, describe, expect, it } from 'vitest';
import { loadBalancerControllerPolicy } from '../src/ingress/controller-policy.ts';
import type { Capture } from '../offline-plan/capture.ts';
import { HELM_RELEASE, type CapturedResource } from '../offline-plan/mocks.ts';
import { CLOUD_STACKS, capture, catalog, ofType, stackConfig } from './support.ts';

const INGRESS = 'kubernetes:networking.k8s.io/v1:Ingress';
const ROLE = 'aws:iam/role:Role';
const ROLE_POLICY = 'aws:iam/rolePolicy:RolePolicy';
const CONTROLLER_SUBJECT = 'system:serviceaccount:kube-system:aws-load-balancer-controller';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const key = (r: CapturedResource) => `${r.type}::${r.name}`;
const trustOf = (role: CapturedResource) => JSON.parse(role.inputs.assumeRolePolicy).Statement as { Principal: { Federated: string }; Action: string; Condition: { StringEquals: Record<string, string> } }[];
const subjectOf = (role: CapturedResource) => Object.entries(trustOf(role)[0]?.Condition?.StringEquals ?? {}).find(([k]) => k.endsWith(':sub'))?.[1];
/** Read-only actions may apply to every resource; the controller must discover what exists before it changes anything. */
const readOnly = (action: string) => /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/.test(action);

describe.each(CLOUD_STACKS)('the %s stack runs one AWS Load Balancer Controller for its own cluster', (stack) => {
  let c: Capture;
  let release: CapturedResource;
  let role: CapturedResource;
  let statements: Statement[];
  const config = stackConfig(stack) as Record<string, any>;
  beforeAll(async () => {
    c = await capture(stack);
    if (c.error) throw c.error;
    const releases = ofType(c, HELM_RELEASE).filter((r) => r.inputs.chart === 'aws-load-balancer-controller');
    expect(releases).toHaveLength(1);
    release = releases[0]!;
    const arn = release.inputs.values.serviceAccount.annotations['eks.amazonaws.com/role-arn'];
    role = ofType(c, ROLE).find((r) => r.state.arn === arn)!;
    const policies = ofType(c, ROLE_POLICY).filter((p) => p.inputs.role === role.state.name);
    expect(policies).toHaveLength(1);
    statements = JSON.parse(policies[0]!.inputs.policy).Statement;
  });

  it('installs the pinned aws-load-balancer-controller chart from eks-charts, for this cluster, region and VPC', () => {
    expect(release.inputs).toMatchObject({
      chart: 'aws-load-balancer-controller',
      repositoryOpts: { repo: 'https://aws.github.io/eks-charts' },
      namespace: 'kube-system',
      name: 'aws-load-balancer-controller',
    });
    expect(release.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
    const cluster = ofType(c, 'aws:eks/cluster:Cluster');
    const vpc = ofType(c, 'aws:ec2/vpc:Vpc');
    expect(cluster).toHaveLength(1);
    expect(release.inputs.values).toMatchObject({
      clusterName: cluster[0]!.state.name,
      region: config['msa:region'],
      vpcId: `${vpc[0]!.name}-id`,
      serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
    });
    expect(release.inputs.values.additionalLabels).toMatchObject({ 'app.kubernetes.io/name': 'platform', 'msa.dev/environment': config['msa:environment'] });
  });

  it("binds the controller's service account, and only it, to an IAM role of its own through the cluster's OIDC provider", () => {
    const trust = trustOf(role);
    expect(trust).toHaveLength(1);
    expect(trust[0]!.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust[0]!.Principal.Federated).toBe(ofType(c, 'aws:iam/openIdConnectProvider:OpenIdConnectProvider')[0]!.state.arn);
    expect(Object.values(trust[0]!.Condition.StringEquals).sort()).toEqual([CONTROLLER_SUBJECT, 'sts.amazonaws.com'].sort());
    // No other role trusts the controller's account, and the controller's role trusts no service's account.
    expect(ofType(c, ROLE).filter((r) => subjectOf(r) === CONTROLLER_SUBJECT)).toEqual([role]);
    expect(role.inputs.tags).toMatchObject({ service: 'platform', environment: config['msa:environment'] });
  });

  it('puts the public Ingress in the controller\'s class and creates it only after the controller', () => {
    const ingresses = ofType(c, INGRESS);
    expect(ingresses.map((i) => i.inputs.metadata.namespace)).toEqual(catalog.services.filter((s) => s.public).map((s) => s.name));
    for (const ingress of ingresses) {
      expect(ingress.inputs.spec.ingressClassName).toBe(release.inputs.values.ingressClass);
      expect(ingress.inputs.spec.ingressClassName).toBe('alb');
      expect(ingress.dependencies).toContain(key(release));
    }
    // The release waits for its rights: a controller without its policy would fail its first reconcile.
    expect(release.dependencies).toEqual(expect.arrayContaining(ofType(c, ROLE_POLICY).filter((p) => p.inputs.role === role.state.name).map(key)));
  });

  it('grants only named actions, changes to every resource only when tagged for this cluster, WAFv2 associations (the API\'s web ACL) and no classic WAF, Shield or Cognito', () => {
    const clusterName = ofType(c, 'aws:eks/cluster:Cluster')[0]!.state.name;
    const actions = statements.flatMap((s) => s.Action);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    for (const s of statements) {
      const everywhere = ([] as string[]).concat(s.Resource).includes('*');
      if (everywhere && !s.Action.every(readOnly)) expect(s.Condition, s.Sid).toBeDefined();
      for (const resource of ([] as string[]).concat(s.Resource)) {
        if (resource !== '*') expect(resource, s.Sid).toMatch(new RegExp(`^arn:aws:(elasticloadbalancing|ec2|wafv2):${config['msa:region']}:`));
      }
      for (const condition of Object.values(s.Condition ?? {})) {
        for (const [k, v] of Object.entries(condition)) if (k.endsWith('/elbv2.k8s.aws/cluster')) expect(v).toBe(clusterName);
      }
    }
    expect(actions).toEqual(expect.arrayContaining([
      'elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:CreateListener',
      'elasticloadbalancing:RegisterTargets', 'acm:DescribeCertificate', 'ec2:DescribeSubnets',
    ]));
    expect(actions.filter((a) => /^(waf-regional|shield|cognito-idp):/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('wafv2:')).sort()).toEqual(['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource']);
    expect(actions.filter((a) => a.startsWith('iam:'))).toEqual(['iam:CreateServiceLinkedRole']);
    expect(actions.filter((a) => a.startsWith('acm:')).every(readOnly)).toBe(true);
    expect(release.inputs.values).toMatchObject({ enableWaf: false, enableWafv2: true, enableShield: false });
  });
});

describe('the controller policy', () => {
  it('adds the WAFv2 rights only when web ACLs are asked for', () => {
    const actions = (wafv2: boolean) => (loadBalancerControllerPolicy({ region: 'eu-central-1', clusterName: 'c', wafv2 }).Statement as Statement[])
      .flatMap((s) => s.Action);
    expect(actions(false).filter((a) => String(a).startsWith('wafv2:'))).toEqual([]);
    expect(actions(true)).toEqual(expect.arrayContaining(['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL']));
  });
});
