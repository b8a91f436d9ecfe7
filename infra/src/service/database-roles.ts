import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/**
 * What the job runs as the RDS master user, with psql variables `app_role` and `app_password`: the service's own role
 * (created once, without SUPERUSER, CREATEDB or CREATEROLE; its password set every run), made owner of the database (so it may create its tables in `public`,
 * which PostgreSQL 15+ gives to the database owner), and no one else may connect. Idempotent: a rerun changes nothing
 * but the password. Tested against the real PostgreSQL with a non-superuser master, as RDS has
 * (infra/test/database-roles.test.ts).
 */
export const ROLE_BOOTSTRAP_SQL = `
SELECT format('CREATE ROLE %I LOGIN', :'app_role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'app_role', :'app_password') \\gexec
SELECT format('GRANT %I TO CURRENT_USER', :'app_role') WHERE NOT pg_has_role(CURRENT_USER, :'app_role', 'MEMBER') \\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'app_role') \\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \\gexec
`;

/** The psql command line of the job (also run by the test, so the two cannot drift apart). */
export const ROLE_BOOTSTRAP_COMMAND = ['sh', '-c', 'printf "%s\\n" "$BOOTSTRAP_SQL" | psql -v ON_ERROR_STOP=1 -v app_role="$APP_ROLE" -v app_password="$APP_PASSWORD" -f -'];

/** Pods of the job carry this label; their own SecurityGroupPolicy gives them the service's pod group (the database admits it). */
export const ROLE_JOB_LABEL = 'msa.dev/job';

export interface DatabaseRolesArgs {
  readonly serviceName: string;
  readonly namespace: pulumi.Input<string>;
  readonly podSecurityGroupId: pulumi.Input<string>;
  /** PostgreSQL major version: the psql client image matches it. */
  readonly engineVersion: string;
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly database: string;
  readonly masterUsername: string;
  readonly masterPassword: pulumi.Input<string>;
  readonly appRole: string;
  readonly appPassword: pulumi.Input<string>;
  readonly labels: Record<string, string>;
}

/**
 * A one-shot Job, inside the VPC (the database has no public endpoint), that creates the service's own role with the
 * master user. Chosen over IAM database authentication: the role has to be created by the master user either way
 * (`GRANT rds_iam`), and tokens would need a signer in the service kit and a new connection every 15 minutes; a role
 * with a password behaves exactly as on the local stack. The master credentials live in a Secret only this Job reads.
 */
export class DatabaseRoles extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: DatabaseRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:DatabaseRoles', name, {}, opts);
    const parent = { parent: this };
    const jobName = `${args.serviceName}-db-roles`;
    const meta = { namespace: args.namespace, labels: args.labels };
    const master = new k8s.core.v1.Secret(`${name}-master`, {
      metadata: { ...meta, name: `${args.serviceName}-db-master` },
      type: 'Opaque',
      stringData: {
        PGHOST: args.host, PGPORT: pulumi.output(args.port).apply(String), PGDATABASE: args.database, PGSSLMODE: 'require',
        PGUSER: args.masterUsername, PGPASSWORD: args.masterPassword, APP_ROLE: args.appRole, APP_PASSWORD: args.appPassword,
      },
    }, parent);
    const podLabels = { [ROLE_JOB_LABEL]: jobName };
    const sgp = new k8s.apiextensions.CustomResource(`${name}-sgp`, {
      apiVersion: 'vpcresources.k8s.aws/v1beta1',
      kind: 'SecurityGroupPolicy',
      metadata: { ...meta, name: jobName },
      spec: { podSelector: { matchLabels: podLabels }, securityGroups: { groupIds: [args.podSecurityGroupId] } },
    }, parent);
    this.job = new k8s.batch.v1.Job(`${name}-job`, {
      metadata: { ...meta, name: jobName },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels: podLabels },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            // uid 70 is the postgres user of the official Alpine images.
            securityContext: { runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'psql',
              image: `public.ecr.aws/docker/library/postgres:${args.engineVersion}-alpine`,
              command: ROLE_BOOTSTRAP_COMMAND,
              env: [{ name: 'BOOTSTRAP_SQL', value: ROLE_BOOTSTRAP_SQL }],
              envFrom: [{ secretRef: { name: master.metadata.name } }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    }, { ...parent, dependsOn: [sgp] });
    this.registerOutputs({});
  }
}
