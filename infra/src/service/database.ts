import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';

export interface DatabaseSettings {
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly storageGiB: number;
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  readonly backupRetentionDays: number;
}

export interface ServiceDatabaseArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetGroupName: pulumi.Input<string>;
  /** Database and role name from the catalog. */
  readonly dbName: string;
  readonly settings: DatabaseSettings;
  readonly tags: Record<string, string>;
}

/** One service's own PostgreSQL: its own instance and a security group that admits nothing until a rule names a workload. */
export class ServiceDatabase extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly username: string;
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: ServiceDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:Database', name, {}, opts);
    const s = args.settings;
    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: `PostgreSQL of ${args.tags.service}: reachable from that service's pods only`,
      tags: { ...args.tags, Name: `${name}-sg`, 'msa.dev/role': 'database' },
    }, { parent: this });
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const db = new aws.rds.Instance(`${name}-pg`, {
      engine: 'postgres',
      engineVersion: s.engineVersion,
      instanceClass: s.instanceClass,
      allocatedStorage: s.storageGiB,
      storageType: 'gp3',
      storageEncrypted: true,
      multiAz: s.multiAz,
      deletionProtection: s.deletionProtection,
      backupRetentionPeriod: s.backupRetentionDays,
      skipFinalSnapshot: !s.deletionProtection,
      finalSnapshotIdentifier: s.deletionProtection ? `${name}-final` : undefined,
      dbSubnetGroupName: args.subnetGroupName,
      vpcSecurityGroupIds: [sg.id],
      publiclyAccessible: false,
      dbName: args.dbName,
      username: args.dbName,
      password: password.result,
      tags: args.tags,
    }, { parent: this });
    this.securityGroupId = sg.id;
    this.address = db.address;
    this.port = db.port;
    this.username = args.dbName;
    this.password = pulumi.secret(password.result);
    this.registerOutputs({ address: this.address, securityGroupId: this.securityGroupId });
  }
}
