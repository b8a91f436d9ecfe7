import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface WorkloadSecurityArgs {
  readonly vpcId: pulumi.Input<string>;
  /** The cluster's security group: the nodes carry it, and kubelet probes come from them. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** This service's store's security group (its database or its Redis): the only store the workload is admitted to. */
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /** The store's port: PostgreSQL's unless the catalog's store.engine says otherwise. */
  readonly storePort?: number;
  readonly kafkaSecurityGroupId: pulumi.Input<string>;
  readonly port: number;
  readonly tags: Record<string, string>;
}

/**
 * The security group that a SecurityGroupPolicy attaches to one service's pods, and the rules that
 * admit exactly that group to the service's database and to Kafka.
 */
export class WorkloadSecurity extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: WorkloadSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:WorkloadSecurity', name, {}, opts);
    const parent = { parent: this };
    const tags = (n: string) => ({ ...args.tags, Name: n });
    const sg = new aws.ec2.SecurityGroup(`${name}-pods`, {
      vpcId: args.vpcId,
      description: `Pods of ${args.tags.service}`,
      tags: { ...tags(`${name}-pods`), 'msa.dev/role': 'workload' },
    }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-egress`, { securityGroupId: sg.id, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', tags: tags(`${name}-egress`) }, parent);
    // Kubelet probes come from the nodes, which carry the cluster group (eks-pod-networking.json: "inbound from the nodes'
    // security group on every probed port"). Pods without a group of their own carry it too; the service's NetworkPolicy
    // (network-policy.ts) stops them, while the node's own address always passes it. Other services' pods carry their
    // own groups: only the callers the catalog names are admitted (calls.ts), and the load balancer (public-ingress.ts).
    // (The resource keeps its name: a renamed rule would be created beside the identical old one, which AWS rejects.)
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-cluster`, {
      securityGroupId: sg.id, referencedSecurityGroupId: args.clusterSecurityGroupId, ipProtocol: 'tcp', fromPort: args.port, toPort: args.port, tags: tags(`${name}-from-cluster`),
    }, parent);
    // CoreDNS runs on nodes, behind the cluster security group: it must admit DNS from the pods' own group (EKS guide,
    // security groups for pods; infra/facts/eks-pod-networking.json). Without it every lookup times out.
    for (const protocol of ['udp', 'tcp'] as const) {
      new aws.vpc.SecurityGroupIngressRule(`${name}-dns-${protocol}`, {
        securityGroupId: args.clusterSecurityGroupId, referencedSecurityGroupId: sg.id, ipProtocol: protocol, fromPort: 53, toPort: 53, tags: tags(`${name}-dns-${protocol}`),
      }, parent);
    }
    new aws.vpc.SecurityGroupIngressRule(`${name}-to-db`, {
      securityGroupId: args.databaseSecurityGroupId, referencedSecurityGroupId: sg.id, ipProtocol: 'tcp', fromPort: args.storePort ?? 5432, toPort: args.storePort ?? 5432, tags: tags(`${name}-to-db`),
    }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-to-kafka`, {
      securityGroupId: args.kafkaSecurityGroupId, referencedSecurityGroupId: sg.id, ipProtocol: 'tcp', fromPort: 9098, toPort: 9098, tags: tags(`${name}-to-kafka`),
    }, parent);
    this.securityGroupId = sg.id;
    this.registerOutputs({ securityGroupId: this.securityGroupId });
  }
}
