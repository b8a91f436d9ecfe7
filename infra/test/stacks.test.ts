import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStackOutputs } from '@msa/catalog';
import type { Capture } from '../offline-plan/capture.ts';
import { manifest, validateObject } from './k8s-objects.ts';
import { hasDatabase } from '@msa/catalog';
import { baseEnvSchema, databaseConfig, kafkaConnectionOptions, loadEnv, type ServiceDefinition } from '@msa/service-kit';
import { CLOUD_STACKS, ROOT, capture, catalog, isK8sObject, ofType, stackConfig } from './support.ts';

/** A service's definition (its env schema among it), from apps/<svc>/src/service.ts. */
async function serviceDefinition(name: string): Promise<ServiceDefinition> {
  const module = (await import(path.join(ROOT, 'apps', name, 'src', 'service.ts'))) as Record<string, ServiceDefinition>;
  const definition = Object.values(module).find((v) => typeof v === 'object' && v !== null && 'routes' in v);
  if (!definition) throw new Error(`apps/${name}/src/service.ts exports no service definition`);
  return definition;
}

const RDS = 'aws:rds/instance:Instance';
const SG = 'aws:ec2/securityGroup:SecurityGroup';
const RULE = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
const SGP = 'kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy';

/** AWS resource types whose API has no tags. */
const UNTAGGABLE = new Set([
  'aws:ec2/routeTableAssociation:RouteTableAssociation', 'aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'aws:iam/rolePolicy:RolePolicy',
  'aws:msk/configuration:Configuration', 'aws:msk/topic:Topic', 'aws:route53/record:Record',
  'aws:acm/certificateValidation:CertificateValidation', 'aws:eks/accessPolicyAssociation:AccessPolicyAssociation',
  // The provider's schema has no tags for these: they live inside the (tagged) user pool.
  'aws:cognito/userPoolClient:UserPoolClient', 'aws:cognito/userGroup:UserGroup',
]);

/** One capture per stack for the whole file: the program is deterministic under mocks. */
const captured = new Map<string, Capture>();
async function planned(stack: string): Promise<Capture> {
  if (!captured.has(stack)) captured.set(stack, await capture(stack));
  const c = captured.get(stack)!;
  if (c.error) throw c.error;
  return c;
}

describe.each(CLOUD_STACKS)('the %s stack, planned under mocks from its real stack file', (stack) => {
  let c: Capture;
  const config = stackConfig(stack) as Record<string, any>;
  const environment = config['msa:environment'];
  beforeAll(async () => {
    c = await planned(stack);
  });
  const sgId = (name: string) => `sg-${name}`;
  const sgOf = (id: string) => ofType(c, SG).find((g) => sgId(g.name) === id);

  it('gives every catalog service a PostgreSQL instance of its own, shared by none', () => {
    const dbs = ofType(c, RDS);
    const postgres = catalog.services.filter(hasDatabase);
    expect(dbs.map((d) => d.inputs.dbName).sort()).toEqual(postgres.map((s) => s.database.name).sort());
    expect(new Set(dbs.map((d) => d.inputs.tags.service)).size).toBe(postgres.length);
    for (const db of dbs) {
      expect(db.inputs.engine).toBe('postgres');
      expect(db.inputs.vpcSecurityGroupIds).toHaveLength(1);
    }
    const groups = dbs.map((d) => d.inputs.vpcSecurityGroupIds[0]);
    expect(new Set(groups).size).toBe(dbs.length);
  });

  it("admits to each database only the security group that is bound to that service's pods", () => {
    for (const db of ofType(c, RDS)) {
      const owner = db.inputs.tags.service;
      const rules = ofType(c, RULE).filter((r) => r.inputs.securityGroupId === db.inputs.vpcSecurityGroupIds[0]);
      expect(rules).toHaveLength(1);
      const source = sgOf(rules[0]!.inputs.referencedSecurityGroupId);
      expect(source?.inputs.tags).toMatchObject({ service: owner, 'msa.dev/role': 'workload' });
      expect(rules[0]!.inputs).toMatchObject({ fromPort: 5432, toPort: 5432 });
      // The only pods carrying that group are the owner's: its app pods and the job that creates its database role,
      // each selected by a SecurityGroupPolicy in the owner's namespace.
      const bindings = ofType(c, SGP).filter((p) => p.inputs.spec.securityGroups.groupIds.includes(sgId(source!.name)));
      const selected = bindings.map((b) => [b.inputs.metadata.namespace, b.inputs.spec.podSelector.matchLabels]);
      expect(selected).toHaveLength(2);
      expect(selected).toEqual(expect.arrayContaining([[owner, { 'msa.dev/job': `${owner}-db-roles` }], [owner, { 'app.kubernetes.io/name': owner }]]));
    }
  });

  it("admits to each service's pods only the cluster, the callers the catalog lists, and the load balancer of the public API", () => {
    const podGroup = (svc: string) => ofType(c, SG).find((g) => g.inputs.tags.service === svc && g.inputs.tags['msa.dev/role'] === 'workload')!;
    const alb = ofType(c, SG).filter((g) => g.inputs.tags['msa.dev/role'] === 'load-balancer');
    expect(alb.map((g) => g.inputs.tags.service)).toEqual(catalog.services.filter((s) => s.public).map((s) => s.name));
    for (const s of catalog.services) {
      const sources = ofType(c, RULE)
        .filter((r) => r.inputs.securityGroupId === sgId(podGroup(s.name).name))
        .map((r) => {
          expect(r.inputs).toMatchObject({ fromPort: s.port, toPort: s.port });
          const g = sgOf(r.inputs.referencedSecurityGroupId);
          return g ? `${g.inputs.tags['msa.dev/role']}:${g.inputs.tags.service}` : 'cluster';
        });
      const callers = catalog.services.filter((x) => x.calls.includes(s.name)).map((x) => `workload:${x.name}`);
      expect(sources.sort()).toEqual(['cluster', ...callers, ...(s.public ? [`load-balancer:${s.name}`] : [])].sort());
    }
    const ingress = ofType(c, 'kubernetes:networking.k8s.io/v1:Ingress')[0]!;
    expect(ingress.inputs.metadata.annotations['alb.ingress.kubernetes.io/security-groups']).toBe(sgId(alb[0]!.name));
  });

  it("creates exactly the catalog's topics, dead-letter topics included, sized by config", () => {
    const topics = ofType(c, 'aws:msk/topic:Topic');
    expect(topics.map((t) => t.inputs.name).sort()).toEqual(catalog.topics);
    expect(catalog.topics).toEqual(expect.arrayContaining(catalog.services.filter((s) => s.topics.consumes.length).map((s) => s.deadLetterTopic)));
    const { partitions, replication, retentionHours } = config['msa:kafka'].topics;
    for (const t of topics) {
      expect(t.inputs).toMatchObject({ partitionCount: partitions, replicationFactor: replication });
      expect(JSON.parse(t.inputs.configs)['retention.ms']).toBe(String(retentionHours * 3_600_000));
    }
  });

  it("scales each service between the catalog's bounds at its CPU target, never below the stack's floor", () => {
    const floor = config['msa:workloads'].minReplicas;
    for (const s of catalog.services) {
      const hpa = ofType(c, 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler').find((h) => h.inputs.metadata.namespace === s.name);
      expect(hpa?.inputs.spec).toMatchObject({
        minReplicas: Math.max(floor, s.scaling.minReplicas),
        maxReplicas: s.scaling.maxReplicas,
        scaleTargetRef: { kind: 'Deployment', name: s.name },
        metrics: [{ resource: { name: 'cpu', target: { averageUtilization: s.scaling.cpuTarget } } }],
      });
    }
  });

  it('runs each service with its release image, probes from the catalog and a disruption budget', () => {
    const releases = config['msa:releases'];
    for (const s of catalog.services) {
      const d = ofType(c, 'kubernetes:apps/v1:Deployment').find((x) => x.inputs.metadata.namespace === s.name);
      const container = d?.inputs.spec.template.spec.containers[0];
      expect(container.image).toBe(releases[s.name].image);
      expect(container.livenessProbe.httpGet.path).toBe(s.http.health);
      expect(container.readinessProbe.httpGet.path).toBe(s.http.readiness);
      expect(container.ports[0].containerPort).toBe(s.port);
      expect(d?.inputs.spec.template.spec.serviceAccountName).toBe(s.name);
      expect(ofType(c, 'kubernetes:policy/v1:PodDisruptionBudget').filter((p) => p.inputs.metadata.namespace === s.name)).toHaveLength(1);
      const sa = ofType(c, 'kubernetes:core/v1:ServiceAccount').find((x) => x.inputs.metadata.namespace === s.name);
      expect(sa?.inputs.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(new RegExp(`role/${stack}-${s.name}-id-role$`));
    }
  });

  const deploymentOf = (name: string) => ofType(c, 'kubernetes:apps/v1:Deployment').find((x) => x.inputs.metadata.namespace === name)!;
  const podEnv = (name: string): Record<string, string> =>
    Object.fromEntries(deploymentOf(name).inputs.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));

  it("tells each caller where the services it calls are: <CALLEE>_URL, the callee's Service by its in-cluster name and port", () => {
    expect(catalog.services.some((s) => s.calls.length > 0)).toBe(true);
    for (const s of catalog.services) {
      const expected = Object.fromEntries(s.calls.map((callee) => {
        const service = ofType(c, 'kubernetes:core/v1:Service').find((x) => x.inputs.metadata.namespace === callee && x.inputs.metadata.name === callee)!;
        // The Service forwards to the callee pod's `http` port, the catalog's port.
        expect(service.inputs.spec.ports[0].targetPort).toBe('http');
        expect(deploymentOf(callee).inputs.spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: catalog.byName(callee).port }]);
        const { name, namespace } = service.inputs.metadata;
        return [`${callee.toUpperCase()}_URL`, `http://${name}.${namespace}.svc.cluster.local:${service.inputs.spec.ports[0].port}`];
      }));
      const urls = Object.fromEntries(Object.entries(podEnv(s.name)).filter(([k]) => k.endsWith('_URL')));
      expect(urls, s.name).toEqual(expected);
    }
  });

  it("gives every pod what MSK's IAM auth needs: KAFKA_AUTH=aws-iam, the IAM listener's brokers and the stack's region", () => {
    for (const s of catalog.services) {
      const env = podEnv(s.name);
      expect(env).toMatchObject({ KAFKA_AUTH: 'aws-iam', AWS_REGION: config['msa:region'] });
      // The IAM listener (port 9098), whose mock address comes from the cluster's bootstrapBrokersSaslIam.
      expect(env.KAFKA_BROKERS).toMatch(/^b-1\.[^,]+:9098,b-2\.[^,]+:9098$/);
    }
  });

  it("starts each service's own environment check with what its pod gets (env and the database Secret)", async () => {
    for (const s of catalog.services.filter(hasDatabase)) {
      const secret = ofType(c, 'kubernetes:core/v1:Secret').find((x) => x.inputs.metadata.namespace === s.name && x.inputs.metadata.name === `${s.name}-db`)!;
      const env = { ...podEnv(s.name), ...secret.inputs.stringData };
      expect(env.DATABASE_URL).toMatch(/\?sslmode=require$/);
      const definition = await serviceDefinition(s.name);
      const parsed = loadEnv(definition.envSchema ?? baseEnvSchema, env);
      expect(parsed).toMatchObject({ SERVICE_NAME: s.name, PORT: s.port, KAFKA_AUTH: 'aws-iam', AWS_REGION: config['msa:region'] });
      expect(kafkaConnectionOptions({ auth: parsed.KAFKA_AUTH, region: parsed.AWS_REGION }).sasl?.mechanism).toBe('OAUTHBEARER');
      const database = await databaseConfig(parsed.DATABASE_URL);
      expect(database.ssl).toMatchObject({ rejectUnauthorized: true });
    }
  });

  it('deploys released images and never builds one (build once, promote the same artifact)', () => {
    expect(c.resources.filter((r) => r.type.startsWith('docker:'))).toEqual([]);
    const images = ofType(c, 'kubernetes:apps/v1:Deployment').map((d) => d.inputs.spec.template.spec.containers[0].image).sort();
    expect(images).toEqual(Object.values(config['msa:releases'] as Record<string, { image: string }>).map((r) => r.image).sort());
  });

  it("lets only each service's own service account assume its IAM role", () => {
    for (const s of catalog.services) {
      const role = ofType(c, 'aws:iam/role:Role').find((r) => r.name === `${stack}-${s.name}-id-role`)!;
      const statement = JSON.parse(role.inputs.assumeRolePolicy).Statement;
      expect(statement).toHaveLength(1);
      expect(statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
      const conditions = statement[0].Condition.StringEquals as Record<string, string>;
      const sub = Object.entries(conditions).find(([k]) => k.endsWith(':sub'))?.[1];
      expect(sub).toBe(`system:serviceaccount:${s.name}:${s.name}`);
    }
  });

  it('exposes only the public service, through TLS', () => {
    const ingresses = ofType(c, 'kubernetes:networking.k8s.io/v1:Ingress');
    const open = catalog.services.filter((s) => s.public).map((s) => s.name);
    expect(ingresses.map((i) => i.inputs.metadata.namespace)).toEqual(open);
    expect(ingresses[0]?.inputs.spec.tls[0].hosts).toEqual([config['msa:ingress'].host]);
    expect(ingresses[0]?.inputs.metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']).toMatch(/^arn:/);
    for (const svc of ofType(c, 'kubernetes:core/v1:Service')) expect(svc.inputs.spec.type).toBe('ClusterIP');
  });

  it('tags every AWS resource and labels every Kubernetes object with environment, service and owner', () => {
    const teams = new Map([...catalog.services.map((s) => [s.name, s.team] as const), ['platform', 'platform']]);
    const aws = c.resources.filter((r) => r.type.startsWith('aws:') && !UNTAGGABLE.has(r.type));
    expect(aws.length).toBeGreaterThan(40);
    for (const r of aws) {
      expect(r.inputs.tags, `${r.type} ${r.name}`).toMatchObject({ environment });
      expect(teams.get(r.inputs.tags.service), `${r.type} ${r.name} owner`).toBe(r.inputs.tags.owner);
    }
    for (const r of c.resources.filter(isK8sObject)) {
      const labels = r.inputs.metadata.labels;
      expect(labels?.['msa.dev/environment'], `${r.type} ${r.name}`).toBe(environment);
      expect(teams.get(labels['app.kubernetes.io/name'])).toBe(labels['msa.dev/owner']);
    }
  });

  it('exports the releases it applied, for the pipeline to compare with git', async () => {
    expect(c.outputs!.releases).toEqual(config['msa:releases']);
  });

  it("meets the pipeline's stack contract, with the Cognito identity the stage tests sign in against", async () => {
    const plain = await new Promise<unknown>((resolve) => pulumi.output({ ...c.outputs, services: undefined, platform: undefined }).apply(resolve));
    const outputs = parseStackOutputs(JSON.parse(JSON.stringify(plain)), stack);
    expect(outputs.target).toBe('aws');
    expect(outputs.identity?.issuer).toMatch(new RegExp(`^https://cognito-idp\\.${config['msa:region'] ?? '[a-z0-9-]+'}\\.amazonaws\\.com/`));
    expect(outputs.identity?.clientId).toBeTruthy();
  });

  it('keeps database credentials secret in the stack outputs and the delivered Kubernetes Secret', async () => {
    const services = c.outputs!.services as Record<string, { database: { password: pulumi.Output<string> } }>;
    for (const s of catalog.services.filter(hasDatabase)) {
      expect(await pulumi.isSecret(services[s.name]!.database.password)).toBe(true);
      const secret = ofType(c, 'kubernetes:core/v1:Secret').find((x) => x.inputs.metadata.namespace === s.name && x.inputs.metadata.name === `${s.name}-db`);
      expect(secret?.inputs.stringData.PGPASSWORD).toMatch(/^mock-password-of-/);
      expect(secret?.inputs.stringData.DATABASE_URL).toContain(secret?.inputs.stringData.PGPASSWORD);
      expect(secret?.secretPaths).toEqual(['stringData']);
      const db = ofType(c, RDS).find((x) => x.inputs.tags.service === s.name);
      expect(db?.secretPaths).toContain('password');
    }
    // No plain (non-secret) output carries a password.
    const plain = await new Promise<unknown>((resolve) => pulumi.output({ ...c.outputs, services: undefined, platform: undefined }).apply(resolve));
    expect(JSON.stringify(plain)).not.toMatch(/mock-password/);
    const platform = c.outputs!.platform as Record<string, pulumi.Output<string>>;
    expect(await pulumi.isSecret(platform.kubeconfig!)).toBe(true);
  });

  it('would apply only Kubernetes objects that are valid against the Kubernetes API schemas', async () => {
    const objects = c.resources.filter(isK8sObject);
    expect([...new Set(objects.map((o) => manifest(o).kind))].sort()).toEqual([
      'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Job', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'PrometheusRule', 'Secret',
      'SecurityGroupPolicy', 'Service', 'ServiceAccount', 'ServiceMonitor',
    ]);
    const invalid: string[] = [];
    for (const o of objects) {
      const problem = await validateObject(manifest(o));
      if (problem) invalid.push(`${o.name}: ${problem}`);
    }
    expect(invalid).toEqual([]);
  });

  it("sizes databases, nodes and brokers from the stack's config", () => {
    const db = config['msa:database'];
    for (const r of ofType(c, RDS)) {
      expect(r.inputs).toMatchObject({
        instanceClass: db.instanceClass, allocatedStorage: db.storageGiB, multiAz: db.multiAz,
        deletionProtection: db.deletionProtection, backupRetentionPeriod: db.backupRetentionDays,
        storageEncrypted: true, publiclyAccessible: false,
      });
    }
    const nodes = ofType(c, 'aws:eks/nodeGroup:NodeGroup')[0]!.inputs;
    expect(nodes.instanceTypes).toEqual(config['msa:cluster'].nodeInstanceTypes);
    expect(nodes.scalingConfig).toEqual({ minSize: config['msa:cluster'].nodes.min, desiredSize: config['msa:cluster'].nodes.desired, maxSize: config['msa:cluster'].nodes.max });
    const msk = ofType(c, 'aws:msk/cluster:Cluster')[0]!.inputs;
    expect(msk.numberOfBrokerNodes).toBe(config['msa:kafka'].brokers.perAz * config['msa:network'].availabilityZones.length);
    expect(ofType(c, 'aws:ec2/subnet:Subnet')).toHaveLength(3 * config['msa:network'].availabilityZones.length);
  });
});

describe('the Kubernetes schema check has teeth', () => {
  it('rejects objects the API server would reject', async () => {
    const prod = await planned('prod');
    const broken = structuredClone(manifest(ofType(prod, 'kubernetes:apps/v1:Deployment')[0]!));
    broken.spec.replicas = 'two';
    expect(await validateObject(broken)).toMatch(/replicas/);
    const sgp = structuredClone(manifest(ofType(prod, SGP)[0]!));
    sgp.spec.securityGroups.groupIds = [];
    expect(await validateObject(sgp)).toMatch(/groupIds|too_small|at least/i);
    expect(await validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toMatch(/no schema/);
  });
});

describe('environments differ by config only, as their roles demand', () => {
  it('prod is multi-AZ, deletion-protected, backed up, and runs at least two replicas of everything', async () => {
    const c = await planned('prod');
    for (const db of ofType(c, RDS)) {
      expect(db.inputs).toMatchObject({ multiAz: true, deletionProtection: true, skipFinalSnapshot: false });
      expect(db.inputs.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    }
    for (const h of ofType(c, 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler')) expect(h.inputs.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(ofType(c, 'aws:ec2/natGateway:NatGateway')).toHaveLength(3);
  });

  it('dev is small: one NAT gateway, burstable single-AZ databases that can be deleted', async () => {
    const c = await planned('dev');
    expect(ofType(c, 'aws:ec2/natGateway:NatGateway')).toHaveLength(1);
    for (const db of ofType(c, RDS)) {
      expect(db.inputs.instanceClass).toMatch(/^db\.t/);
      expect(db.inputs).toMatchObject({ multiAz: false, deletionProtection: false, skipFinalSnapshot: true });
    }
  });
});
