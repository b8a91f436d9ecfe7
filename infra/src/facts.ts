import { readFileSync } from 'node:fs';

/**
 * Upstream facts vendored under infra/facts/ (each file names its source and the date it was read). The program
 * takes pinned versions and IAM policies from here, and the tests check the stacks against the same files.
 */
function fact<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../facts/${file}`, import.meta.url), 'utf8')) as T;
}

export interface Chart { repo: string; version: string; appVersion: string; source: string }
export interface PolicyDocument { Version: string; Statement: { Effect: string; Action: string[]; Resource: string[] | string; Condition?: unknown }[] }

export const facts = {
  charts: () => fact<{ charts: Record<'aws-load-balancer-controller' | 'cluster-autoscaler' | 'external-dns' | 'kube-prometheus-stack' | 'opentelemetry-collector', Chart> }>('charts.json').charts,
  iamPolicy: (name: 'aws-load-balancer-controller' | 'cluster-autoscaler' | 'external-dns') => fact<PolicyDocument>(`${name}.iam_policy.json`),
  trunking: () => fact<{ instanceTypes: Record<string, { trunking: boolean; branchInterfaces: number }> }>('vpc-trunking.json').instanceTypes,
  eksVersions: () => fact<{ read: string; versions: Record<string, { endOfStandardSupport: string; endOfExtendedSupport: string }> }>('eks-versions.json'),
  rdsPostgres: () => fact<{ majorsOnStandardSupport: string[]; minorsNotCreatable: string[] }>('rds-postgres.json'),
  mskIam: () => fact<{ resourceOf: Record<string, string>; useCases: Record<string, string[]> }>('msk-iam.json'),
  eksAccess: () => fact<{ policies: Record<string, { arn: string; readsSecrets: boolean; writes: boolean }> }>('eks-access.json').policies,
  eksAddons: () => fact<{ notInstalledByEks: string[]; addonNames: { metricsServer: string; vpcCni: string } }>('eks-addons.json'),
  xrayPolicy: () => fact<{ policies: { AWSXRayDaemonWriteAccess: { arn: string; actions: string[] } } }>('xray-managed-policy.json').policies.AWSXRayDaemonWriteAccess,
  iamTagConditions: () => fact<{ taggableResourceOf: Record<string, string>; createdWithRequestTags: string[]; noTagConditions: Record<string, string> }>('iam-tag-conditions.json'),
  elbTlsPolicies: () => fact<{ controllerDefault: string; protocolsOf: Record<string, string[]> }>('elb-tls-policies.json'),
  networkPolicy: () => fact<{ vpcCniConfiguration: Record<string, string>; nodeIpAlwaysAllowed: boolean; worksWithPodSecurityGroups: boolean }>('eks-network-policy.json'),
  podNetworking: () => fact<{ podSecurityGroupsNeed: { dns: { protocols: string[]; port: number } }; autoModeSupportsPodSecurityGroups: boolean }>('eks-pod-networking.json'),
};
