import { releaseSchema } from '@msa/catalog';
import { z } from 'zod';

/** What each cloud stack's Pulumi.<stack>.yaml holds under the `msa:` namespace. */

const environment = z.enum(['dev', 'test', 'staging', 'prod', 'preview']);

const network = z
  .object({
    /** The VPC's address range; each AZ gets a public, a workload and a data subnet carved from it. */
    cidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, 'an IPv4 CIDR between /16 and /24'),
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, 'an AZ name such as eu-central-1a')).min(2).max(3),
    /** One NAT gateway (cheap) or one per AZ (survives an AZ outage). */
    natGateways: z.enum(['single', 'perAz']),
  })
  .strict();

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 CIDR such as 203.0.113.0/24');
const policyArn = z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:policy\/[\w+=,.@/-]+$/, 'an IAM policy ARN such as arn:aws:iam::123456789012:policy/msa-workload-boundary');
const roleArn = z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'an IAM role ARN such as arn:aws:iam::123456789012:role/msa-deploy');

const createCluster = z
  .object({
    mode: z.literal('create'),
    version: z.string().regex(/^1\.\d{2}$/, 'a Kubernetes minor version such as "1.33"'),
    nodeInstanceTypes: z.array(z.string().min(1)).min(1),
    nodes: z
      .object({ min: z.number().int().min(1), desired: z.number().int().min(1), max: z.number().int().min(1) })
      .strict()
      .refine((n) => n.min <= n.desired && n.desired <= n.max, { message: 'needs min <= desired <= max', path: ['desired'] }),
    nodeDiskGiB: z.number().int().min(20),
    /**
     * Who may reach the public API endpoint (the pipeline's runners, operators). The endpoint is public so hosted
     * runners can deploy; it is never open to the whole internet.
     */
    publicAccessCidrs: z.array(cidr.refine((c) => !c.endsWith('/0'), 'a range narrower than the whole internet')).min(1),
    /**
     * The pipeline's IAM roles, each given an EKS access entry (the cluster authenticates through the API only):
     * deploy (this stage's `pulumi up`), preview (pull requests' `pulumi preview`), previewEnvironment (the pr-N stacks
     * that run on this cluster) and readOnly (drift checks). The bootstrap stack creates them (infra/src/bootstrap/roles.ts).
     */
    pipelineRoles: z.object({ deploy: roleArn, preview: roleArn, previewEnvironment: roleArn, readOnly: roleArn }).strict(),
  })
  .strict();

/** A preview environment: reuse another stack's cluster, network and Kafka through a stack reference. */
const referenceCluster = z
  .object({
    mode: z.literal('reference'),
    stack: z.string().regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, 'a fully qualified stack name <org>/<project>/<stack>'),
  })
  .strict();

const kafka = z
  .object({
    /** MSK brokers; only for stacks that create their own cluster. */
    brokers: z
      .object({
        version: z.string().regex(/^\d+\.\d+\.\w+$/, 'an MSK Kafka version such as 3.8.x'),
        instanceType: z.string().startsWith('kafka.'),
        perAz: z.number().int().min(1),
        storageGiB: z.number().int().min(1),
      })
      .strict()
      .optional(),
    topics: z
      .object({
        partitions: z.number().int().min(1),
        replication: z.number().int().min(1).max(3),
        retentionHours: z.number().int().min(1),
      })
      .strict(),
  })
  .strict();

const database = z
  .object({
    /**
     * The major version only: RDS picks its newest minor and upgrades minors itself (autoMinorVersionUpgrade), so a
     * pinned minor stops being creatable once retired and makes the next `up` ask for a downgrade (infra/facts/rds-postgres.json).
     */
    engineVersion: z.string().regex(/^\d+$/, 'the PostgreSQL major version only, such as "16" (RDS keeps the minor current)'),
    instanceClass: z.string().startsWith('db.'),
    storageGiB: z.number().int().min(20),
    multiAz: z.boolean(),
    deletionProtection: z.boolean(),
    backupRetentionDays: z.number().int().min(0).max(35),
  })
  .strict();

const workloads = z
  .object({
    /** Floor over each service's catalog minReplicas (prod keeps two pods through a node loss). */
    minReplicas: z.number().int().min(1),
  })
  .strict();

const ingress = z
  .object({
    host: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a DNS host name such as api.example.com'),
    /** Route 53 hosted zone holding the host; the TLS certificate is validated through it. */
    zoneId: z.string().regex(/^Z[A-Z0-9]{5,32}$/, 'a Route 53 hosted zone id such as Z0123456789ABC'),
  })
  .strict();

const monitoring = z
  .object({
    /** How long Prometheus keeps samples (Prometheus duration: 15d, 4w). */
    retention: z.string().regex(/^\d+[hdw]$/, 'a Prometheus duration such as 15d'),
  })
  .strict();

export const awsStackConfigSchema = z
  .object({
    target: z.literal('aws'),
    environment,
    region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'an AWS region such as eu-central-1'),
    network: network.optional(),
    cluster: z.discriminatedUnion('mode', [createCluster, referenceCluster]),
    kafka,
    database,
    workloads,
    ingress,
    monitoring: monitoring.optional(),
    /** The permissions boundary every IAM role this stack creates carries (the bootstrap stack's msa-workload-boundary). */
    permissionsBoundary: policyArn,
    releases: z.record(z.string(), releaseSchema).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.cluster.mode === 'create') {
      if (!c.network) ctx.addIssue({ code: 'custom', path: ['network'], message: 'required when cluster.mode is "create"' });
      if (!c.kafka.brokers) ctx.addIssue({ code: 'custom', path: ['kafka', 'brokers'], message: 'required when cluster.mode is "create"' });
      const brokers = (c.kafka.brokers?.perAz ?? 0) * (c.network?.availabilityZones.length ?? 0);
      if (c.kafka.brokers && c.network && c.kafka.topics.replication > brokers) {
        ctx.addIssue({ code: 'custom', path: ['kafka', 'topics', 'replication'], message: `${c.kafka.topics.replication} exceeds the ${brokers} brokers (brokers.perAz x availabilityZones)` });
      }
    }
    if (c.environment === 'prod') {
      const need = (ok: boolean, path: (string | number)[], message: string) => ok || ctx.addIssue({ code: 'custom', path, message });
      need(c.database.multiAz, ['database', 'multiAz'], 'prod databases are multi-AZ: set true');
      need(c.database.deletionProtection, ['database', 'deletionProtection'], 'prod databases are deletion-protected: set true');
      need(c.database.backupRetentionDays >= 7, ['database', 'backupRetentionDays'], 'prod keeps at least 7 days of backups');
      need(c.workloads.minReplicas >= 2, ['workloads', 'minReplicas'], 'prod runs at least 2 replicas per service');
    }
  });

export type AwsStackConfig = z.infer<typeof awsStackConfigSchema>;
export type { Release } from '@msa/catalog';
/** Environments that may deploy images by tag; every other one pins by digest (build once, promote the same artifact). */
export const TAG_IMAGES_ALLOWED: ReadonlySet<string> = new Set(['dev']);
