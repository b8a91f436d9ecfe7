import type { Capture } from '../offline-plan/capture.ts';
import type { CapturedResource } from '../offline-plan/mocks.ts';
import { ofType } from './support.ts';

/**
 * Who can open a TCP connection to a service's pods, read from the rendered resources the way AWS and the vpc-cni
 * network-policy agent evaluate them: the target's security groups must admit one of the client's groups (or its
 * address), and the NetworkPolicies selecting the target's pods, if any, must admit the client's namespace and labels
 * (or its address) on the port. The node's own address always passes NetworkPolicies (eks-network-policy.json).
 */
export interface Client {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  /** Security groups its traffic leaves with (a pod's SecurityGroupPolicy groups; the cluster group for nodes and other pods). */
  readonly groups: readonly string[];
  readonly ip: string;
  readonly isNode?: boolean;
}

export interface Target {
  readonly service: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly groups: readonly string[];
  readonly port: number;
}

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base!) / size);
}
/** An address inside a CIDR (its tenth). */
export const hostIn = (cidr: string) => {
  const n = toInt(cidr.split('/')[0]!) + 10;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
};

const subset = (want: Record<string, string> | undefined, have: Record<string, string>) => Object.entries(want ?? {}).every(([k, v]) => have[k] === v);
const inNamespace = (c: Capture, type: string, ns: string) => ofType(c, type).filter((r) => r.inputs.metadata?.namespace === ns);

/** The groups a SecurityGroupPolicy in `namespace` gives pods with `labels`. */
export function podGroups(c: Capture, namespace: string, labels: Record<string, string>): string[] {
  return inNamespace(c, 'kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy', namespace)
    .filter((p) => subset(p.inputs.spec.podSelector?.matchLabels, labels))
    .flatMap((p) => p.inputs.spec.securityGroups.groupIds as string[]);
}

export function securityGroupsAdmit(c: Capture, client: Client, target: Target): boolean {
  return ofType(c, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').some((r: CapturedResource) => {
    const i = r.inputs;
    if (!target.groups.includes(i.securityGroupId)) return false;
    if (i.ipProtocol !== '-1' && (i.ipProtocol !== 'tcp' || target.port < i.fromPort || target.port > i.toPort)) return false;
    return (i.referencedSecurityGroupId && client.groups.includes(i.referencedSecurityGroupId)) || (i.cidrIpv4 && inCidr(client.ip, i.cidrIpv4));
  });
}

export function networkPoliciesAdmit(c: Capture, client: Client, target: Target): boolean {
  if (client.isNode) return true;
  const policies = inNamespace(c, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', target.namespace)
    .filter((p) => (p.inputs.spec.policyTypes ?? ['Ingress']).includes('Ingress') && subset(p.inputs.spec.podSelector?.matchLabels, target.labels));
  if (policies.length === 0) return true;
  const peerAdmits = (peer: Record<string, any>) => {
    if (peer.ipBlock) return inCidr(client.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(client.ip, e));
    if (client.namespace === undefined) return false;
    const nsLabels = { 'kubernetes.io/metadata.name': client.namespace };
    const nsOk = peer.namespaceSelector ? subset(peer.namespaceSelector.matchLabels, nsLabels) : client.namespace === target.namespace;
    return nsOk && (!peer.podSelector || subset(peer.podSelector.matchLabels, client.labels ?? {}));
  };
  return policies.some((p) => (p.inputs.spec.ingress ?? []).some((rule: Record<string, any>) =>
    (!rule.from || rule.from.some(peerAdmits)) && (!rule.ports || rule.ports.some((pt: { port?: number }) => pt.port === undefined || pt.port === target.port))));
}

export const reaches = (c: Capture, client: Client, target: Target) => securityGroupsAdmit(c, client, target) && networkPoliciesAdmit(c, client, target);
