import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { SUBNET_BLOCK, subnetCidr } from './cidr.ts';

export interface NetworkArgs {
  /** The VPC's address range. */
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  /** One NAT gateway, or one per AZ. */
  readonly natGateways: 'single' | 'perAz';
  /** `pulumi destroy` refuses to delete the VPC (prod). */
  readonly protect?: boolean;
  readonly tags: Record<string, string>;
}

/** A VPC with public subnets (load balancers, NAT), private workload subnets and isolated data subnets. */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly workloadSubnetIds: pulumi.Output<string>[];
  readonly dataSubnetIds: pulumi.Output<string>[];
  readonly dataSubnetGroupName: pulumi.Output<string>;
  /** The same data subnets for ElastiCache (the stores of services whose catalog store is redis). */
  readonly cacheSubnetGroupName: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:network:Network', name, {}, opts);
    const parent = { parent: this };
    const tags = (n: string, extra: Record<string, string> = {}) => ({ ...args.tags, Name: n, ...extra });
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags(`${name}-vpc`) }, { ...parent, protect: args.protect ?? false });
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags(`${name}-igw`) }, parent);
    const publicRt = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: tags(`${name}-public`) }, parent);
    const dataRt = new aws.ec2.RouteTable(`${name}-data`, { vpcId: vpc.id, tags: tags(`${name}-data`) }, parent);

    const subnet = (role: keyof typeof SUBNET_BLOCK, az: string, i: number, extra: Record<string, string>) =>
      new aws.ec2.Subnet(`${name}-${role}-${az}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(args.cidr, SUBNET_BLOCK[role] + i),
        mapPublicIpOnLaunch: false,
        tags: tags(`${name}-${role}-${az}`, extra),
      }, parent);
    const assoc = (n: string, subnetId: pulumi.Input<string>, routeTableId: pulumi.Input<string>) =>
      new aws.ec2.RouteTableAssociation(n, { subnetId, routeTableId }, parent);

    this.workloadSubnetIds = [];
    const dataSubnetIds: pulumi.Output<string>[] = (this.dataSubnetIds = []);
    let nat: aws.ec2.NatGateway | undefined;
    args.availabilityZones.forEach((az, i) => {
      const pub = subnet('public', az, i, { 'kubernetes.io/role/elb': '1' });
      assoc(`${name}-public-${az}`, pub.id, publicRt.id);
      if (!nat || args.natGateways === 'perAz') {
        const eip = new aws.ec2.Eip(`${name}-nat-${az}`, { domain: 'vpc', tags: tags(`${name}-nat-${az}`) }, parent);
        nat = new aws.ec2.NatGateway(`${name}-nat-${az}`, { allocationId: eip.id, subnetId: pub.id, tags: tags(`${name}-nat-${az}`) }, parent);
      }
      const workRt = new aws.ec2.RouteTable(`${name}-workload-${az}`, { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }], tags: tags(`${name}-workload-${az}`) }, parent);
      const work = subnet('workload', az, i, { 'kubernetes.io/role/internal-elb': '1' });
      assoc(`${name}-workload-${az}`, work.id, workRt.id);
      const data = subnet('data', az, i, {});
      assoc(`${name}-data-${az}`, data.id, dataRt.id);
      this.workloadSubnetIds.push(work.id);
      dataSubnetIds.push(data.id);
    });
    const group = new aws.rds.SubnetGroup(`${name}-data`, { subnetIds: dataSubnetIds, tags: tags(`${name}-data`) }, parent);
    this.vpcId = vpc.id;
    this.dataSubnetGroupName = group.name;
    this.cacheSubnetGroupName = new aws.elasticache.SubnetGroup(`${name}-cache`, { subnetIds: dataSubnetIds, description: 'Data subnets for services\' Redis', tags: tags(`${name}-cache`) }, parent).name;
    this.registerOutputs({ vpcId: this.vpcId, dataSubnetGroupName: this.dataSubnetGroupName });
  }
}
