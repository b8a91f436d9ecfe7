import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { serviceRole } from './iam.ts';
import { kubeconfig } from './kubeconfig.ts';

export interface ClusterArgs {
  readonly version: string;
  readonly region: string;
  readonly subnetIds: pulumi.Input<string>[];
  readonly nodeInstanceTypes: readonly string[];
  readonly nodes: { readonly min: number; readonly desired: number; readonly max: number };
  readonly nodeDiskGiB: number;
  readonly tags: Record<string, string>;
}

/** An EKS cluster with one managed node group, pod security groups enabled, and an OIDC provider for IRSA. */
export class Cluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcIssuer: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  /** What must exist before workloads can be scheduled: nodes, and the CNI that gives pods their security groups. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:cluster:Cluster', name, {}, opts);
    const tags = args.tags;
    // The VPC resource controller attaches a security group to each pod that a SecurityGroupPolicy selects.
    const clusterRole = serviceRole(`${name}-cluster`, 'eks.amazonaws.com', ['AmazonEKSClusterPolicy', 'AmazonEKSVPCResourceController'], tags, this);
    const cluster = new aws.eks.Cluster(`${name}-eks`, {
      version: args.version,
      roleArn: clusterRole.arn,
      vpcConfig: { subnetIds: args.subnetIds, endpointPrivateAccess: true, endpointPublicAccess: true },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
      enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
      tags,
    }, { parent: this });
    const cni = new aws.eks.Addon(`${name}-vpc-cni`, {
      clusterName: cluster.name,
      addonName: 'vpc-cni',
      configurationValues: JSON.stringify({ env: { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' } }),
      tags,
    }, { parent: this });
    const nodeRole = serviceRole(`${name}-node`, 'ec2.amazonaws.com', ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'], tags, this);
    const nodes = new aws.eks.NodeGroup(`${name}-nodes`, {
      clusterName: cluster.name,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.subnetIds,
      instanceTypes: [...args.nodeInstanceTypes],
      diskSize: args.nodeDiskGiB,
      scalingConfig: { minSize: args.nodes.min, desiredSize: args.nodes.desired, maxSize: args.nodes.max },
      tags,
    }, { parent: this });
    const issuer = cluster.identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? '');
    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: issuer, clientIdLists: ['sts.amazonaws.com'], tags }, { parent: this });

    this.ready = [cni, nodes];
    this.name = cluster.name;
    this.securityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId);
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuer = issuer.apply((u) => u.replace(/^https:\/\//, ''));
    this.kubeconfig = kubeconfig(cluster.name, cluster.endpoint, cluster.certificateAuthority.apply((c) => c.data), args.region);
    this.registerOutputs({ name: this.name, oidcProviderArn: this.oidcProviderArn });
  }
}
