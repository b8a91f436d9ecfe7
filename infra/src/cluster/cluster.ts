import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { facts } from '../facts.ts';
import { pipelineAccess, type PipelineRoles } from './access.ts';
import { serviceRole } from './iam.ts';
import { kubeconfig } from './kubeconfig.ts';

export interface ClusterArgs {
  readonly version: string;
  readonly region: string;
  readonly subnetIds: pulumi.Input<string>[];
  readonly nodeInstanceTypes: readonly string[];
  readonly nodes: { readonly min: number; readonly desired: number; readonly max: number };
  readonly nodeDiskGiB: number;
  /** Who may reach the public API endpoint. */
  readonly publicAccessCidrs: readonly string[];
  readonly pipelineRoles: PipelineRoles;
  readonly environment: string;
  /** `pulumi destroy` refuses to delete the cluster (prod). */
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/** An EKS cluster with one managed node group, pod security groups enabled, and an OIDC provider for IRSA. */
export class Cluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcIssuer: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  /**
   * What must exist before workloads are applied: nodes, the CNI that gives pods their security groups, the metrics
   * the HPAs read, and the access entries the deploying role authenticates with.
   */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:cluster:Cluster', name, {}, opts);
    const tags = args.tags;
    // The VPC resource controller attaches a security group to each pod that a SecurityGroupPolicy selects.
    const clusterRole = serviceRole(`${name}-cluster`, 'eks.amazonaws.com', ['AmazonEKSClusterPolicy', 'AmazonEKSVPCResourceController'], tags, this);
    // The cluster waits for its role's policies and is deleted before they are (the provider's own EKS examples do the same).
    const cluster = new aws.eks.Cluster(`${name}-eks`, {
      version: args.version,
      roleArn: clusterRole.role.arn,
      vpcConfig: { subnetIds: args.subnetIds, endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [...args.publicAccessCidrs] },
      // Access entries only; none for whoever runs the first `up`: the pipeline roles below are the admins (infra/README.md).
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
      tags,
    }, { parent: this, dependsOn: clusterRole.attachments, protect: args.protect });
    const access = pipelineAccess(name, cluster.name, args.pipelineRoles, args.environment, tags, this);
    // EKS installs a self-managed aws-node on every new cluster: the add-on takes its fields over instead of failing on them.
    // Its network-policy agent enforces the NetworkPolicies each service's namespace carries (infra/facts/eks-network-policy.json).
    const cni = new aws.eks.Addon(`${name}-vpc-cni`, {
      clusterName: cluster.name,
      addonName: 'vpc-cni',
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      configurationValues: JSON.stringify({ env: { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }, ...facts.networkPolicy().vpcCniConfiguration }),
      tags,
    }, { parent: this });
    const nodeRole = serviceRole(`${name}-node`, 'ec2.amazonaws.com', ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'], tags, this);
    const nodes = new aws.eks.NodeGroup(`${name}-nodes`, {
      clusterName: cluster.name,
      nodeRoleArn: nodeRole.role.arn,
      subnetIds: args.subnetIds,
      instanceTypes: [...args.nodeInstanceTypes],
      diskSize: args.nodeDiskGiB,
      // The Cluster Autoscaler moves the desired size between min and max; `up` must not reset it.
      scalingConfig: { minSize: args.nodes.min, desiredSize: args.nodes.desired, maxSize: args.nodes.max },
      tags,
    }, { parent: this, dependsOn: [...nodeRole.attachments, cni], ignoreChanges: ['scalingConfig.desiredSize'] });
    // The HPA's CPU figures: EKS installs no metrics-server; the add-on runs it (its pods need nodes).
    const metrics = new aws.eks.Addon(`${name}-metrics-server`, {
      clusterName: cluster.name,
      addonName: 'metrics-server',
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      tags,
    }, { parent: this, dependsOn: [nodes] });
    const issuer = cluster.identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? '');
    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: issuer, clientIdLists: ['sts.amazonaws.com'], tags }, { parent: this });

    this.ready = [cni, nodes, metrics, ...access];
    this.name = cluster.name;
    this.securityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId);
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuer = issuer.apply((u) => u.replace(/^https:\/\//, ''));
    this.kubeconfig = kubeconfig(cluster.name, cluster.endpoint, cluster.certificateAuthority.apply((c) => c.data), args.region);
    this.registerOutputs({ name: this.name, oidcProviderArn: this.oidcProviderArn });
  }
}
