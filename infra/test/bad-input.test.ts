import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CatalogError } from '@msa/catalog';
import { describe, expect, it } from 'vitest';
import { StackConfigError } from '../src/config/errors.ts';
import { capture, copyCatalog, flatConfig, stackConfig } from './support.ts';

/** A stack's real config with one change applied. */
function changed(stack: string, change: (c: Record<string, any>) => void): Record<string, string> {
  const config = stackConfig(stack) as Record<string, any>;
  change(config);
  return flatConfig(config);
}

function editService(root: string, name: string, edit: (text: string) => string): void {
  const file = path.join(root, 'apps', name, 'service.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

describe('bad input stops the program with a clear error and registers nothing', () => {
  it('an unknown stack names itself and the stacks that exist', async () => {
    const c = await capture('qa');
    expect(c.error).toBeInstanceOf(StackConfigError);
    expect(c.error!.message).toContain('unknown stack "qa"');
    expect(c.error!.message).toContain('msa:target');
    expect(c.error!.message).toMatch(/stacks with config: .*dev.*prod.*staging.*test/);
    expect(c.resources).toEqual([]);
  });

  it('an image by tag outside dev must be pinned by digest', async () => {
    const c = await capture('staging', { config: changed('staging', (cfg) => (cfg['msa:releases'].inventory.image = 'registry.example/inventory:1.4.0')) });
    expect(c.error!.message).toContain('msa:releases.inventory.image');
    expect(c.error!.message).toMatch(/pinned by digest .* staging/);
    expect(c.resources).toEqual([]);
  });

  it('a PostgreSQL minor version is refused: RDS retires minors and upgrades them itself', async () => {
    const c = await capture('prod', { config: changed('prod', (cfg) => (cfg['msa:database'].engineVersion = '16.4')) });
    expect(c.error).toBeInstanceOf(StackConfigError);
    expect(c.error!.message).toContain('msa:database.engineVersion: the PostgreSQL major version only, such as "16"');
    expect(c.resources).toEqual([]);
  });

  it('a Kubernetes API open to the internet, or a cluster without the pipeline roles, is refused', async () => {
    const c = await capture('dev', { config: changed('dev', (cfg) => {
      cfg['msa:cluster'].publicAccessCidrs = ['0.0.0.0/0'];
      delete cfg['msa:cluster'].pipelineRoles.readOnly;
    }) });
    expect(c.error).toBeInstanceOf(StackConfigError);
    expect(c.error!.message).toContain('msa:cluster.publicAccessCidrs.0: a range narrower than the whole internet');
    expect(c.error!.message).toContain('msa:cluster.pipelineRoles.readOnly');
    expect(c.resources).toEqual([]);
  });

  it('a catalog entry that consumes a topic nobody produces names the file and the field', async () => {
    const root = copyCatalog();
    editService(root, 'delivery', (t) => t.replace('consumes: [inventory.events, order.events]', 'consumes: [inventory.events, billing.events]'));
    const c = await capture('dev', { catalogRoot: root });
    expect(c.error).toBeInstanceOf(CatalogError);
    expect(c.error!.message).toContain('apps/delivery/service.yaml: topics.consumes.1: topic "billing.events" is produced by no service');
    expect(c.resources).toEqual([]);
  });

  it('a replica minimum above the maximum in the catalog is rejected', async () => {
    const root = copyCatalog();
    editService(root, 'inventory', (t) => t.replace('minReplicas: 1', 'minReplicas: 6'));
    const c = await capture('dev', { catalogRoot: root });
    expect(c.error).toBeInstanceOf(CatalogError);
    expect(c.error!.message).toContain('apps/inventory/service.yaml: scaling.minReplicas: minReplicas must not exceed maxReplicas');
    expect(c.resources).toEqual([]);
  });

  it("a stack's replica floor above a service's maximum is rejected", async () => {
    const c = await capture('prod', { config: changed('prod', (cfg) => (cfg['msa:workloads'].minReplicas = 4)) });
    expect(c.error!.message).toContain('msa:workloads.minReplicas: 4 is above apps/delivery/service.yaml: scaling.maxReplicas (3)');
    expect(c.resources).toEqual([]);
  });

  it('a missing key says which key, in which stack, and what was expected', async () => {
    const c = await capture('dev', { config: changed('dev', (cfg) => delete cfg['msa:database']) });
    expect(c.error!.message).toContain('Stack "dev"');
    expect(c.error!.message).toMatch(/msa:database: Invalid input: expected object, received undefined/);
    expect(c.resources).toEqual([]);
  });

  it('a wrongly typed nested key is named by its full path', async () => {
    const c = await capture('test', { config: changed('test', (cfg) => (cfg['msa:database'].multiAz = 'yes')) });
    expect(c.error!.message).toMatch(/msa:database\.multiAz: Invalid input: expected boolean, received string/);
    expect(c.resources).toEqual([]);
  });

  it('prod without its protections does not pass validation', async () => {
    const c = await capture('prod', {
      config: changed('prod', (cfg) => {
        cfg['msa:database'].deletionProtection = false;
        cfg['msa:workloads'].minReplicas = 1;
      }),
    });
    expect(c.error!.message).toContain('msa:database.deletionProtection: prod databases are deletion-protected');
    expect(c.error!.message).toContain('msa:workloads.minReplicas: prod runs at least 2 replicas');
    expect(c.resources).toEqual([]);
  });

  it('topic replication beyond the brokers the stack has is refused', async () => {
    const c = await capture('dev', { config: changed('dev', (cfg) => (cfg['msa:kafka'].topics.replication = 3)) });
    expect(c.error!.message).toContain('msa:kafka.topics.replication: 3 exceeds the 2 brokers');
    expect(c.resources).toEqual([]);
  });

  it('an unknown target is refused before anything else', async () => {
    const c = await capture('dev', { config: changed('dev', (cfg) => (cfg['msa:target'] = 'gcp')) });
    expect(c.error!.message).toMatch(/msa:target: /);
    expect(c.resources).toEqual([]);
  });
});
