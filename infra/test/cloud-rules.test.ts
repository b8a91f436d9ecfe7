import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProducer } from '@msa/service-kit';
import { hasDatabase } from '@msa/catalog';
import type { Capture } from '../offline-plan/capture.ts';
import { HELM_RELEASE, type CapturedResource } from '../offline-plan/mocks.ts';
import { dependsOnTransitively, facts, key, podGroups, statementsOf, workflowRoles } from './facts.ts';
import { CLOUD_STACKS, capture, catalog, ofType, stackConfig } from './support.ts';

/**
 * Rules that tie two parts of a cloud stack together, each checked against upstream facts vendored under infra/facts/
 * (source and date in each file): what AWS or the upstream project would reject or leave broken on a first real `up`.
 */

const SGP = 'kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy';
const RULE = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
const HPA = 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler';
const ADDON = 'aws:eks/addon:Addon';

const captures: Record<string, Capture> = {};
beforeAll(async () => {
  for (const stack of CLOUD_STACKS) {
    captures[stack] = await capture(stack);
    if (captures[stack]!.error) throw captures[stack]!.error;
  }
});

describe.each(CLOUD_STACKS)('%s: the cloud stack against upstream facts', (stack) => {
  let c: Capture;
  const config = stackConfig(stack) as Record<string, any>;
  beforeAll(() => {
    c = captures[stack]!;
  });
  const one = (type: string) => {
    const found = ofType(c, type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  const release = (chart: string) => ofType(c, HELM_RELEASE).find((r) => r.inputs.chart === chart);
  const clusterSg = () => one('aws:eks/cluster:Cluster').state.vpcConfig.clusterSecurityGroupId as string;

  it('pins PostgreSQL by major version only, a major RDS still supports (rds-postgres.json)', () => {
    const rds = facts.rdsPostgres();
    for (const db of ofType(c, 'aws:rds/instance:Instance')) {
      expect(db.inputs.engineVersion, db.name).toMatch(/^\d+$/);
      expect(rds.majorsOnStandardSupport).toContain(db.inputs.engineVersion);
      expect(rds.minorsNotCreatable).not.toContain(db.inputs.engineVersion);
      // A major-only pin works because RDS upgrades minors itself; nothing may turn that off.
      expect(db.inputs.autoMinorVersionUpgrade ?? true).toBe(true);
    }
  });

  it('runs pods that have their own security group on trunking-capable nodes with branch ENIs for every pod the HPAs may start (vpc-trunking.json)', () => {
    expect(ofType(c, SGP).length).toBeGreaterThan(0);
    const trunking = facts.trunking();
    const nodes = one('aws:eks/nodeGroup:NodeGroup').inputs;
    for (const type of nodes.instanceTypes as string[]) {
      expect(trunking[type], `${type} is not in limits.go`).toBeDefined();
      expect(trunking[type]!.trunking, `${type}: IsTrunkingCompatible`).toBe(true);
    }
    // Each pod selected by a SecurityGroupPolicy takes one branch ENI (vpc.amazonaws.com/pod-eni) on its node.
    const perNode = Math.min(...(nodes.instanceTypes as string[]).map((t) => trunking[t]!.branchInterfaces));
    const podsAtMax = ofType(c, HPA).reduce((n, h) => n + h.inputs.spec.maxReplicas + 1 /* rolling surge */, 0) + catalog.services.length /* role jobs */;
    expect(perNode * nodes.scalingConfig.maxSize).toBeGreaterThanOrEqual(podsAtMax);
    // EKS Auto Mode would manage the nodes, and it does not support security groups for pods.
    expect(facts.podNetworking().autoModeSupportsPodSecurityGroups).toBe(false);
    expect(one('aws:eks/cluster:Cluster').inputs.computeConfig?.enabled ?? false).toBe(false);
  });

  it('admits DNS (TCP and UDP 53) from every pod security group to the cluster security group, where CoreDNS runs (eks-pod-networking.json)', () => {
    const { protocols, port } = facts.podNetworking().podSecurityGroupsNeed.dns;
    for (const group of podGroups(c)) {
      const dns = ofType(c, RULE).filter((r) => r.inputs.securityGroupId === clusterSg() && r.inputs.referencedSecurityGroupId === group && r.inputs.fromPort === port);
      expect(dns.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]).sort(), group).toEqual(protocols.map((p) => [p, port, port]).sort());
    }
  });

  it("lets each caller's pods reach the callee's pods on its port: pod groups on one node are enforced (standard mode)", () => {
    const cni = ofType(c, ADDON).find((a) => a.inputs.addonName === 'vpc-cni')!;
    expect(JSON.parse(cni.inputs.configurationValues).env.POD_SECURITY_GROUP_ENFORCING_MODE).toBe('standard');
    const groupOf = (svc: string) => ofType(c, 'aws:ec2/securityGroup:SecurityGroup').find((g) => g.inputs.tags.service === svc && g.inputs.tags['msa.dev/role'] === 'workload')!;
    for (const caller of catalog.services) {
      for (const callee of caller.calls.map((n) => catalog.byName(n))) {
        const rule = ofType(c, RULE).find((r) => r.inputs.securityGroupId === `sg-${groupOf(callee.name).name}` && r.inputs.referencedSecurityGroupId === `sg-${groupOf(caller.name).name}`);
        expect(rule?.inputs, `${caller.name} → ${callee.name}`).toMatchObject({ ipProtocol: 'tcp', fromPort: callee.port, toPort: callee.port });
      }
    }
  });

  it("grants each service the MSK actions its kit's client features need, on the resources MSK checks them on (msk-iam.json)", () => {
    const msk = facts.mskIam();
    // The kit's producer is idempotent: it asks the brokers for a producer id before its first write.
    const producer = createProducer('probe', ['127.0.0.1:1']);
    const options = (producer as unknown as Record<symbol, { idempotent?: boolean }>)[Object.getOwnPropertySymbols(producer).find((s) => s.description === 'plt.kafka.base.options')!];
    void producer.close();
    const kitIdempotent = options?.idempotent === true;
    expect(kitIdempotent).toBe(true);
    const clusterArn = one('aws:msk/cluster:Cluster').state.arn as string;
    for (const s of catalog.services) {
      const policy = ofType(c, 'aws:iam/rolePolicy:RolePolicy').find((p) => p.inputs.role === `${stack}-${s.name}-id-role`)!;
      const statements = statementsOf(policy.inputs.policy);
      const granted = (action: string, kind: string) => statements.some((st) => st.Action.includes(action) && ([] as string[]).concat(st.Resource).some((arn) =>
        kind === 'cluster' ? arn === clusterArn : arn.includes(`:${kind}/`)));
      const useCases = [
        ...(s.topics.produces.length || s.topics.consumes.length ? [kitIdempotent ? 'produceIdempotently' : 'produce'] : []),
        ...(s.topics.consumes.length ? ['consume'] : []),
      ];
      for (const action of useCases.flatMap((u) => msk.useCases[u]!)) {
        expect(granted(action, msk.resourceOf[action]!), `${s.name}: ${action} on its ${msk.resourceOf[action]}`).toBe(true);
      }
    }
  });

  it('gives every role the pipeline assumes against a cluster an access entry; the drift role reads no Secret (eks-access.json)', () => {
    const roles = workflowRoles();
    const byVar: Record<string, keyof typeof config['msa:cluster']['pipelineRoles']> = { AWS_DEPLOY_ROLE_ARN: 'deploy', AWS_PREVIEW_ROLE_ARN: 'preview', AWS_PREVIEW_ENVIRONMENT_ROLE_ARN: 'previewEnvironment', AWS_READONLY_ROLE_ARN: 'readOnly' };
    // The build role only pushes images (release-service.yml); every other role runs Pulumi against a stack.
    expect([...roles.keys()].filter((v) => !(v in byVar)).sort()).toEqual(['AWS_BUILD_ROLE_ARN']);
    expect([...roles.get('AWS_BUILD_ROLE_ARN')!]).toEqual(['release-service.yml']);
    expect(one('aws:eks/cluster:Cluster').inputs.accessConfig).toEqual({ authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false });
    const policies = facts.eksAccess();
    for (const variable of roles.keys()) {
      if (!(variable in byVar)) continue;
      const arn = config['msa:cluster'].pipelineRoles[byVar[variable]!];
      expect(ofType(c, 'aws:eks/accessEntry:AccessEntry').filter((e) => e.inputs.principalArn === arn), variable).toHaveLength(1);
      const association = ofType(c, 'aws:eks/accessPolicyAssociation:AccessPolicyAssociation').find((a) => a.inputs.principalArn === arn)!;
      expect(association.inputs.accessScope).toEqual({ type: 'cluster' });
      const policy = Object.values(policies).find((p) => p.arn === association.inputs.policyArn)!;
      if (variable === 'AWS_READONLY_ROLE_ARN') expect(policy).toMatchObject({ readsSecrets: false, writes: false });
      if (variable === 'AWS_DEPLOY_ROLE_ARN') expect(policy.writes).toBe(true);
    }
    // Kubernetes objects are applied only once the deploying role can authenticate.
    const provider = c.resources.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    const waits = dependsOnTransitively(c, provider);
    for (const a of ofType(c, 'aws:eks/accessPolicyAssociation:AccessPolicyAssociation')) expect(waits).toContain(key(a));
  });

  it('lets every HPA act: metrics-server for its CPU figures, no replicas field beside it, and a node autoscaler that can reach the max (charts.json)', () => {
    const cluster = one('aws:eks/cluster:Cluster');
    const hpas = ofType(c, HPA);
    expect(hpas.length).toBe(catalog.services.length);
    // EKS installs no metrics-server (eks-addons.json): without it the HPA has no CPU figures and never scales.
    const addons = facts.eksAddons();
    expect(addons.notInstalledByEks).toContain(addons.addonNames.metricsServer);
    expect(ofType(c, ADDON).map((a) => a.inputs.addonName)).toContain(addons.addonNames.metricsServer);
    for (const h of hpas) {
      const target = ofType(c, 'kubernetes:apps/v1:Deployment').find((d) => d.inputs.metadata.namespace === h.inputs.metadata.namespace && d.inputs.metadata.name === h.inputs.spec.scaleTargetRef.name)!;
      expect(target.inputs.spec.replicas, `${h.name}: the HPA owns spec.replicas`).toBeUndefined();
    }
    const autoscaler = release('cluster-autoscaler')!;
    const chart = facts.charts()['cluster-autoscaler'];
    expect(autoscaler.inputs).toMatchObject({ version: chart.version, repositoryOpts: { repo: chart.repo }, namespace: 'kube-system' });
    // The autoscaler's minor version follows the cluster's.
    expect(chart.appVersion.split('.').slice(0, 2).join('.')).toBe(cluster.inputs.version);
    expect(autoscaler.inputs.values).toMatchObject({ cloudProvider: 'aws', autoDiscovery: { clusterName: cluster.state.name }, awsRegion: config['msa:region'] });
    const nodes = one('aws:eks/nodeGroup:NodeGroup').inputs.scalingConfig;
    expect(nodes.maxSize).toBeGreaterThan(nodes.minSize);
    const roleArn = autoscaler.inputs.values.rbac.serviceAccount.annotations['eks.amazonaws.com/role-arn'];
    const role = ofType(c, 'aws:iam/role:Role').find((r) => r.state.arn === roleArn)!;
    expect(role.inputs.assumeRolePolicy).toContain(`system:serviceaccount:kube-system:${autoscaler.inputs.values.rbac.serviceAccount.name}`);
    const granted = statementsOf(ofType(c, 'aws:iam/rolePolicy:RolePolicy').find((p) => p.inputs.role === role.state.name)!.inputs.policy).flatMap((s) => s.Action);
    expect(granted.sort()).toEqual(facts.iamPolicy('cluster-autoscaler').Statement.flatMap((s) => s.Action).sort());
  });

  it("health-checks the public Ingress on the path the catalog says its service is ready on, and publishes its host through external-dns", () => {
    for (const ingress of ofType(c, 'kubernetes:networking.k8s.io/v1:Ingress')) {
      const backend = ingress.inputs.spec.rules[0].http.paths[0].backend.service.name;
      expect(ingress.inputs.metadata.annotations['alb.ingress.kubernetes.io/healthcheck-path']).toBe(catalog.byName(backend).http.readiness);
      expect(ingress.inputs.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe(config['msa:ingress'].host);
    }
    const dns = release('external-dns')!;
    const chart = facts.charts()['external-dns'];
    expect(dns.inputs).toMatchObject({ version: chart.version, repositoryOpts: { repo: chart.repo } });
    expect(dns.inputs.values).toMatchObject({ provider: { name: 'aws' }, sources: ['ingress'], txtOwnerId: one('aws:eks/cluster:Cluster').state.name });
    const role = ofType(c, 'aws:iam/role:Role').find((r) => r.state.arn === dns.inputs.values.serviceAccount.annotations['eks.amazonaws.com/role-arn'])!;
    const statements = statementsOf(ofType(c, 'aws:iam/rolePolicy:RolePolicy').find((p) => p.inputs.role === role.state.name)!.inputs.policy);
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(facts.iamPolicy('external-dns').Statement.flatMap((s) => s.Action).sort());
    // Changes only in the stack's own zone.
    expect(statements.find((s) => s.Action.includes('route53:ChangeResourceRecordSets'))!.Resource).toEqual([`arn:aws:route53:::hostedzone/${config['msa:ingress'].zoneId}`]);
  });

  it('runs the Load Balancer Controller chart pinned in charts.json, with only actions its upstream iam_policy.json grants', async () => {
    const { OMITTED_UPSTREAM_ACTIONS } = await import('../src/ingress/controller-policy.ts');
    const chart = facts.charts()['aws-load-balancer-controller'];
    expect(release('aws-load-balancer-controller')!.inputs).toMatchObject({ version: chart.version, repositoryOpts: { repo: chart.repo } });
    const upstream = new Set(facts.iamPolicy('aws-load-balancer-controller').Statement.flatMap((s) => s.Action));
    const role = ofType(c, 'aws:iam/role:Role').find((r) => r.name === `${stack}-alb-controller-role`)!;
    const ours = new Set(statementsOf(ofType(c, 'aws:iam/rolePolicy:RolePolicy').find((p) => p.inputs.role === role.state.name)!.inputs.policy).flatMap((s) => s.Action));
    expect([...ours].filter((a) => !upstream.has(a))).toEqual([]);
    // What upstream grants and we do not is left out on purpose, each with its reason.
    // (The WAFv2 rights are granted here: the public ingress attaches the stack's web ACL.)
    expect([...upstream].filter((a) => !ours.has(a)).sort()).toEqual(Object.keys(OMITTED_UPSTREAM_ACTIONS).filter((a) => !ours.has(a)).sort());
  });

  it('runs a Kubernetes version with at least 90 days of standard support left on the day the facts were read (eks-versions.json)', () => {
    const calendar = facts.eksVersions();
    const version = one('aws:eks/cluster:Cluster').inputs.version as string;
    const support = calendar.versions[version];
    expect(support, `EKS ${version} is not in the calendar`).toBeDefined();
    const days = (Date.parse(support!.endOfStandardSupport) - Date.parse(calendar.read)) / 86_400_000;
    expect(days, `EKS ${version} standard support ends ${support!.endOfStandardSupport}`).toBeGreaterThanOrEqual(90);
  });

  it('creates and destroys the cluster and node group in order with their roles and the add-ons they need', () => {
    const waits = (r: CapturedResource) => dependsOnTransitively(c, r);
    const attachments = (role: string) => ofType(c, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment').filter((a) => a.inputs.role === `${stack}-k8s-${role}`);
    const cluster = one('aws:eks/cluster:Cluster');
    const nodes = one('aws:eks/nodeGroup:NodeGroup');
    expect(attachments('cluster').length).toBe(2);
    for (const a of attachments('cluster')) expect(cluster.dependencies).toContain(key(a));
    expect(attachments('node').length).toBe(3);
    for (const a of attachments('node')) expect(nodes.dependencies).toContain(key(a));
    const cni = ofType(c, ADDON).find((a) => a.inputs.addonName === 'vpc-cni')!;
    // EKS installs a self-managed aws-node first; without OVERWRITE the add-on fails on its fields.
    expect(cni.inputs).toMatchObject({ resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE' });
    expect(waits(nodes)).toContain(key(cni));
    expect(waits(ofType(c, ADDON).find((a) => a.inputs.addonName === 'metrics-server')!)).toContain(key(nodes));
  });

  it('reaches the Kubernetes API from outside the VPC only from the configured ranges', () => {
    const vpc = one('aws:eks/cluster:Cluster').inputs.vpcConfig;
    expect(vpc.endpointPublicAccess).toBe(true);
    expect(vpc.publicAccessCidrs).toEqual(config['msa:cluster'].publicAccessCidrs);
    expect(vpc.publicAccessCidrs.length).toBeGreaterThan(0);
    for (const cidr of vpc.publicAccessCidrs) expect(cidr).not.toMatch(/\/0$/);
  });

  it("protects prod's network, cluster, brokers and databases from `pulumi destroy`, and only prod's", () => {
    const guarded = ['aws:ec2/vpc:Vpc', 'aws:eks/cluster:Cluster', 'aws:msk/cluster:Cluster', 'aws:rds/instance:Instance', 'aws:elasticache/replicationGroup:ReplicationGroup'].flatMap((t) => ofType(c, t));
    expect(guarded.length).toBe(3 + catalog.services.length);
    for (const r of guarded) expect(r.protect, key(r)).toBe(stack === 'prod');
  });

  it('connects the pods to their database as the service\'s own role, created by a job before they start; the master user stays with the job', () => {
    for (const s of catalog.services.filter(hasDatabase)) {
      const db = ofType(c, 'aws:rds/instance:Instance').find((d) => d.inputs.tags.service === s.name)!;
      const secrets = ofType(c, 'kubernetes:core/v1:Secret').filter((x) => x.inputs.metadata.namespace === s.name);
      const app = secrets.find((x) => x.inputs.metadata.name === `${s.name}-db`)!.inputs.stringData;
      expect(app.PGUSER).toBe(s.database.name);
      expect(app.PGUSER).not.toBe(db.inputs.username);
      expect(app.PGPASSWORD).not.toBe(db.inputs.password);
      expect(app.DATABASE_URL).toMatch(new RegExp(`^postgres://${s.database.name}:`));
      const job = ofType(c, 'kubernetes:batch/v1:Job').find((j) => j.inputs.metadata.namespace === s.name)!;
      const master = secrets.find((x) => x.inputs.metadata.name === job.inputs.spec.template.spec.containers[0].envFrom[0].secretRef.name)!.inputs.stringData;
      expect(master).toMatchObject({ PGUSER: db.inputs.username, PGPASSWORD: db.inputs.password, APP_ROLE: app.PGUSER, APP_PASSWORD: app.PGPASSWORD });
      const deployment = ofType(c, 'kubernetes:apps/v1:Deployment').find((d) => d.inputs.metadata.namespace === s.name)!;
      expect(JSON.stringify(deployment.inputs.spec.template)).not.toContain(master.PGPASSWORD);
      expect(dependsOnTransitively(c, deployment)).toContain(key(job));
    }
  });
});

afterAll(() => {
  for (const k of Object.keys(captures)) delete captures[k];
});
