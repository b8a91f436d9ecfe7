import type * as pulumi from '@pulumi/pulumi';

/** A resource as the program asked the engine to register it. */
export interface CapturedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** What the mocked engine returned: the inputs plus the outputs a provider would compute. */
  state: Record<string, any>;
  /** Dotted paths of inputs the program passed as Pulumi secrets (unwrapped in `inputs`). */
  secretPaths: string[];
  /** What it waits for (dependsOn and the resources its inputs come from), as `type::name`; filled in once the run settles. */
  dependencies?: string[];
  /** Registered with `protect: true`: `pulumi destroy` would refuse to delete it. */
  protect?: boolean;
}

/** The marker Pulumi puts on a secret value when it crosses to the engine. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';

/** Replaces secret wrappers by their values, noting where they were. */
export function unwrapSecrets(value: unknown, at: string, found: string[]): any {
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${at}[${i}]`, found));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (obj[SECRET_SIG] === SECRET_VALUE) {
    found.push(at);
    return unwrapSecrets(obj.value, at, []);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v, at ? `${at}.${k}` : k, found)]));
}

const ACCOUNT = '123456789012';

/** A Pulumi resource of the kubernetes provider that is no Kubernetes object: Helm installs the chart's objects itself. */
export const HELM_RELEASE = 'kubernetes:helm.sh/v3:Release';

type Computed = (name: string, inputs: Record<string, any>, region: string) => Record<string, unknown>;

/** Outputs a provider would compute that the program reads; everything else echoes the inputs. */
const COMPUTED: Record<string, Computed> = {
  'aws:eks/cluster:Cluster': (name, i, region) => ({
    name,
    endpoint: `https://${name}.gr7.${region}.eks.amazonaws.com`,
    certificateAuthority: { data: 'bW9jay1jYQ==' },
    identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${name.toUpperCase()}` }] }],
    vpcConfig: { ...i.vpcConfig, clusterSecurityGroupId: `sg-${name}-cluster` },
  }),
  'aws:iam/role:Role': (name, i) => ({ name: i.name ?? name, arn: `arn:aws:iam::${ACCOUNT}:role/${i.name ?? name}` }),
  'aws:iam/policy:Policy': (name, i) => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/${i.name ?? name}` }),
  'aws:iam/openIdConnectProvider:OpenIdConnectProvider': (_name, i) => ({ arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(i.url).replace(/^https:\/\//, '')}` }),
  'aws:msk/cluster:Cluster': (name, _i, region) => ({
    arn: `arn:aws:kafka:${region}:${ACCOUNT}:cluster/${name}/0a1b2c3d-0000-4000-8000-000000000001-1`,
    bootstrapBrokersSaslIam: `b-1.${name}.kafka.${region}.amazonaws.com:9098,b-2.${name}.kafka.${region}.amazonaws.com:9098`,
  }),
  'aws:msk/configuration:Configuration': (name, _i, region) => ({ arn: `arn:aws:kafka:${region}:${ACCOUNT}:configuration/${name}`, latestRevision: 1 }),
  'aws:rds/instance:Instance': (name, _i, region) => ({ address: `${name}.cxyz.${region}.rds.amazonaws.com`, port: 5432 }),
  'aws:rds/subnetGroup:SubnetGroup': (name) => ({ name }),
  'aws:elasticache/subnetGroup:SubnetGroup': (name) => ({ name }),
  'aws:elasticache/replicationGroup:ReplicationGroup': (name, _i, region) => ({ primaryEndpointAddress: `master.${name}.abc123.${region.slice(0, 4)}.cache.amazonaws.com` }),
  'aws:ecr/repository:Repository': (name, i, region) => ({ repositoryUrl: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${i.name ?? name}` }),
  'random:index/randomPassword:RandomPassword': (name) => ({ result: `mock-password-of-${name}` }),
  'aws:acm/certificate:Certificate': (_name, i) => ({
    domainValidationOptions: [{ domainName: i.domainName, resourceRecordName: `_acme.${i.domainName}.`, resourceRecordType: 'CNAME', resourceRecordValue: '_check.acm-validations.aws.' }],
  }),
  'aws:route53/record:Record': (_name, i) => ({ fqdn: String(i.name).replace(/\.$/, '') }),
};

/** A Helm release as the provider reports it once installed; nothing is downloaded under mocks. */
function helmReleaseState(name: string, i: Record<string, any>): Record<string, unknown> {
  const releaseName = i.name ?? `${name}-mock`;
  return {
    name: releaseName,
    status: { name: releaseName, namespace: i.namespace ?? 'default', chart: i.chart, version: i.version, appVersion: 'mock', revision: 1, status: 'deployed' },
  };
}

/** Kubernetes objects without metadata.name get the resource name plus a suffix, as the provider does. */
function k8sState(name: string, i: Record<string, any>): Record<string, unknown> {
  return { metadata: { ...i.metadata, name: i.metadata?.name ?? `${name}-mock` } };
}

/** The id the mocked engine gives a resource: security groups look like sg-…, so rules that name them read naturally. */
export function mockId(type: string, name: string): string {
  if (type === 'github:index/team:Team') return String([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7)); // GitHub team ids are numbers
  return type === 'aws:ec2/securityGroup:SecurityGroup' ? `sg-${name}` : `${name}-id`;
}

export interface MockOptions {
  region: string;
  /** Outputs of other stacks, by fully qualified stack name, for StackReference. */
  stackOutputs?: Record<string, Record<string, unknown>>;
}

/** Mocks that record every registration and answer with deterministic, provider-like outputs. */
export function recordingMocks(options: MockOptions): { mocks: pulumi.runtime.Mocks; resources: CapturedResource[] } {
  const resources: CapturedResource[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource({ type, name, inputs: wrapped }) {
      const secretPaths: string[] = [];
      const inputs = unwrapSecrets(wrapped, '', secretPaths) as Record<string, any>;
      let extra: Record<string, unknown>;
      if (type === 'pulumi:pulumi:StackReference') extra = { outputs: options.stackOutputs?.[inputs.name] ?? {} };
      else if (type === HELM_RELEASE) extra = helmReleaseState(name, inputs);
      else if (type.startsWith('kubernetes:')) extra = k8sState(name, inputs);
      else extra = { arn: `arn:aws:mock:${options.region}:${ACCOUNT}:${name}`, ...COMPUTED[type]?.(name, inputs, options.region) };
      const state = { ...wrapped, ...extra };
      resources.push({ type, name, inputs, state, secretPaths });
      return { id: mockId(type, name), state };
    },
    call({ token }) {
      throw new Error(`the program made an unexpected provider call ${token}; cloud stacks must plan without lookups`);
    },
  };
  return { mocks, resources };
}
