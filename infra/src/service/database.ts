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
  /** `pulumi destroy` refuses to delete the instance (prod). */
  readonly protect: boolean;
  readonly tags: Record<string, string>;
}

/** The RDS master user of a service's database: used once, by the job that creates the service's own role. */
export const masterUserOf = (dbName: string) => `${dbName}_master`;

/**
 * One service's own PostgreSQL: its own instance and a security group that admits nothing until a rule names a workload.
 * Two users, as on the local stack: the RDS master user (database-roles.ts uses it once) and the service's own role,
 * which owns the database and is all the service's pods ever get.
 */
export class ServiceDatabase extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** The service's own role and its password. */
  readonly username: string;
  readonly password: pulumi.Output<string>;
  readonly masterUsername: string;
  readonly masterPassword: pulumi.Output<string>;

  constructor(name: string, args: ServiceDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:Database', name, {}, opts);
    const s = args.settings;
    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: `PostgreSQL of ${args.tags.service}: reachable from that service's pods only`,
      tags: { ...args.tags, Name: `${name}-sg`, 'msa.dev/role': 'database' },
    }, { parent: this });
    const master = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
    const app = new random.RandomPassword(`${name}-app-password`, { length: 32, special: false }, { parent: this });
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
      username: masterUserOf(args.dbName),
      password: master.result,
      tags: args.tags,
    }, { parent: this, protect: args.protect });
    this.securityGroupId = sg.id;
    this.address = db.address;
    this.port = db.port;
    this.username = args.dbName;
    this.password = pulumi.secret(app.result);
    this.masterUsername = masterUserOf(args.dbName);
    this.masterPassword = pulumi.secret(master.result);
    this.registerOutputs({ address: this.address, securityGroupId: this.securityGroupId });
  }
}
