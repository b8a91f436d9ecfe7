import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** The label every service's pods carry with the service's name (k8sLabels); policies select callers by it. */
export const SERVICE_LABEL = 'app.kubernetes.io/name';
/** The label Kubernetes gives every namespace with its own name (GA since 1.22): callers' namespaces are selected by it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface CallerPolicyArgs {
  readonly namespace: pulumi.Input<string>;
  readonly serviceName: string;
  readonly port: number;
  /** The services whose catalog entry `calls` this one, each with its namespace. */
  readonly callers: readonly { readonly service: string; readonly namespace: string }[];
  /** A public service: the load balancers' subnets (comma-separated CIDRs) reach its pods, and no other address. */
  readonly loadBalancerSubnetCidrs?: pulumi.Input<string>;
  readonly labels: Record<string, string>;
}

/**
 * Who may open a connection to a service's pods, enforced by the vpc-cni network-policy agent: nothing by default (a
 * default-deny policy over the whole namespace), then the catalog's callers on the service's port, and for a public
 * service its load balancers. The node's own address always passes (kubelet probes; infra/facts/eks-network-policy.json).
 * The security groups say the same at the ENI (calls.ts); this layer also stops pods that carry no group of their own.
 */
export class CallerPolicy extends pulumi.ComponentResource {
  constructor(name: string, args: CallerPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:CallerPolicy', name, {}, opts);
    const parent = { parent: this };
    const meta = (n: string) => ({ name: n, namespace: args.namespace, labels: args.labels });
    new k8s.networking.v1.NetworkPolicy(`${name}-deny`, {
      metadata: meta('default-deny-ingress'),
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    }, parent);
    const fromCallers = args.callers.map((c) => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: c.namespace } },
      podSelector: { matchLabels: { [SERVICE_LABEL]: c.service } },
    }));
    const fromLoadBalancers = args.loadBalancerSubnetCidrs === undefined ? pulumi.output([])
      : pulumi.output(args.loadBalancerSubnetCidrs).apply((cidrs) => cidrs.split(',').filter(Boolean).map((cidr) => ({ ipBlock: { cidr } })));
    const from = fromLoadBalancers.apply((lb) => [...fromCallers, ...lb]);
    new k8s.networking.v1.NetworkPolicy(`${name}-callers`, {
      metadata: meta(`${args.serviceName}-callers`),
      spec: {
        podSelector: { matchLabels: { [SERVICE_LABEL]: args.serviceName } },
        policyTypes: ['Ingress'],
        // No `from` at all would admit everyone: with no caller and no load balancer, the rule list stays empty.
        ingress: from.apply((f) => (f.length ? [{ from: f, ports: [{ protocol: 'TCP', port: args.port }] }] : [])),
      },
    }, parent);
    this.registerOutputs({});
  }
}
