import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Capture } from '../offline-plan/capture.ts';
import { CLOUD_STACKS, capture, catalog, ofType } from './support.ts';

// A service whose catalog entry says `store: {engine: redis}` gets ElastiCache in every cloud
// stack, held to the rules the PostgreSQL stores keep: its own security group that admits only its
// pods, TLS, an AUTH token kept secret, encryption at rest, and prod's protection and failover.
const redisServices = catalog.services.filter((s) => s.store.engine === 'redis');
const GROUP = 'aws:elasticache/replicationGroup:ReplicationGroup';

describe.each(CLOUD_STACKS)('%s: each redis service\'s own store', (stack) => {
  let c: Capture;
  beforeAll(async () => {
    c = await capture(stack);
  }, 120_000);

  it('the catalog has a redis service to hold to these rules', () => {
    expect(redisServices.length).toBeGreaterThan(0);
  });

  it('is one ElastiCache replication group per redis service, encrypted in transit and at rest, behind an AUTH token', () => {
    const groups = ofType(c, GROUP);
    expect(groups.map((g) => g.inputs.tags.service).sort()).toEqual(redisServices.map((s) => s.name).sort());
    for (const g of groups) {
      expect(g.inputs).toMatchObject({ engine: 'redis', transitEncryptionEnabled: true, atRestEncryptionEnabled: true, port: 6379 });
      expect(g.secretPaths).toContain('authToken');
      // ElastiCache takes 16-128 printable characters without @, " or /: the generator makes letters and digits.
      const token = ofType(c, 'random:index/randomPassword:RandomPassword').find((p) => p.name === `${stack}-${g.inputs.tags.service}-cache-auth`)!;
      expect(token.inputs).toMatchObject({ special: false });
      expect(token.inputs.length).toBeGreaterThanOrEqual(16);
      const ha = stack === 'prod';
      expect(g.inputs).toMatchObject({ numCacheClusters: ha ? 2 : 1, automaticFailoverEnabled: ha, multiAzEnabled: ha });
      expect(g.protect).toBe(ha);
      expect(ofType(c, 'aws:elasticache/subnetGroup:SubnetGroup').map((s) => s.name)).toContain(g.inputs.subnetGroupName);
    }
  });

  it('admits only the service\'s own pods, on the Redis port', () => {
    for (const s of redisServices) {
      const group = ofType(c, GROUP).find((g) => g.inputs.tags.service === s.name)!;
      const [storeSg] = group.inputs.securityGroupIds as string[];
      const rules = ofType(c, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').filter((r) => r.inputs.securityGroupId === storeSg);
      expect(rules).toHaveLength(1);
      // The pods' group: the one the rule to Kafka names too.
      const toKafka = ofType(c, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').find((r) => r.name === `${stack}-${s.name}-net-to-kafka`)!;
      expect(rules[0]!.inputs).toMatchObject({ referencedSecurityGroupId: toKafka.inputs.referencedSecurityGroupId, fromPort: 6379, toPort: 6379, ipProtocol: 'tcp' });
    }
  });

  it('gives the pods a TLS URL with the token and their key prefix, in a secret; no RDS and no role job', async () => {
    for (const s of redisServices) {
      const secret = ofType(c, 'kubernetes:core/v1:Secret').find((x) => x.inputs.metadata.namespace === s.name && x.inputs.metadata.name === `${s.name}-db`)!;
      const group = ofType(c, GROUP).find((g) => g.inputs.tags.service === s.name)!;
      expect(secret.inputs.stringData.REDIS_URL).toMatch(new RegExp(`^rediss://:${group.inputs.authToken}@[^:/]+:6379/0$`));
      expect(secret.inputs.stringData.REDIS_KEY_PREFIX).toBe(`${s.name}:`);
      expect(secret.secretPaths).toEqual(['stringData']);
      expect(ofType(c, 'aws:rds/instance:Instance').filter((d) => d.inputs.tags.service === s.name)).toEqual([]);
      expect(ofType(c, 'kubernetes:batch/v1:Job').filter((j) => j.inputs.metadata.namespace === s.name)).toEqual([]);
      const services = c.outputs!.services as Record<string, { database: { password: pulumi.Output<string> } }>;
      expect(await pulumi.isSecret(services[s.name]!.database.password)).toBe(true);
    }
  });
});
