import { afterEach, describe, expect, it } from 'vitest';
import { computeAffected } from '../src/affected/affected.ts';
import { affectedCommand, matrixOf } from '../src/commands/affected.ts';
import { TempRepo } from './support/repo.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const repos: TempRepo[] = [];
afterEach(() => repos.splice(0).forEach((r) => r.cleanup()));

function monorepo(): TempRepo {
  const repo = new TempRepo();
  repos.push(repo);
  repo
    .addPackage('kit')
    .addPackage('events', { '@msa/kit': '0.1.0' })
    .addPackage('catalog')
    .addService('order', { '@msa/events': '0.1.0' })
    .addService('inventory', { '@msa/kit': '0.1.0' })
    .addService('delivery')
    .write('infra/package.json', JSON.stringify({ name: '@msa/infra', dependencies: { '@msa/catalog': '0.1.0' } }))
    .write('infra/index.ts', 'export {};\n')
    .write('Pulumi.yaml', 'name: msa\nruntime: nodejs\n')
    .write('Pulumi.dev.yaml', releasesYaml({ order: 'v1', inventory: 'v1' }))
    .write('Pulumi.prod.yaml', releasesYaml({ order: 'v1', inventory: 'v1' }));
  repo.commit('base');
  return repo;
}

function releasesYaml(versions: Record<string, string>, extra = ''): string {
  const lines = Object.entries(versions).map(
    ([svc, v]) => `    ${svc}:\n      version: ${v}\n      image: registry.example/${svc}@sha256:${v === 'v1' ? 'a'.repeat(64) : 'b'.repeat(64)}\n      commit: ${'c'.repeat(40)}`,
  );
  return `# the stack\nconfig:\n  msa:target: local\n${extra}  msa:releases:\n${lines.join('\n')}\n`;
}

async function affectedNames(repo: TempRepo, base: string): Promise<string[]> {
  return (await computeAffected({ root: repo.root, base })).services.map((s) => s.name);
}

describe('affected: which services a change touches', () => {
  it('selects a service when a file in its folder changes, and never another service', async () => {
    const repo = monorepo();
    const base = repo.head();
    for (const svc of ['order', 'inventory', 'delivery']) {
      repo.write(`apps/${svc}/src/main.ts`, `export const changed = '${svc}';\n`);
      const head = repo.commit(`change ${svc}`);
      const result = await computeAffected({ root: repo.root, base: `${head}~1` });
      expect(result.services).toEqual([{ name: svc, reasons: [{ kind: 'folder', detail: `apps/${svc}/src/main.ts changed` }] }]);
    }
    expect(await affectedNames(repo, base)).toEqual(['delivery', 'inventory', 'order']);
  });

  it('names the catalog entry as the reason when service.yaml changes', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.write('apps/delivery/service.yaml', repo.read('apps/delivery/service.yaml').replace('maxReplicas: 2', 'maxReplicas: 5'));
    repo.commit('scale delivery');
    const result = await computeAffected({ root: repo.root, base });
    expect(result.services).toEqual([{ name: 'delivery', reasons: [{ kind: 'catalog-entry', detail: 'apps/delivery/service.yaml changed' }] }]);
  });

  it("selects the consumers of a topic when its producer's event schema changes: their contract tests read it", async () => {
    const repo = monorepo();
    const consumes = (svc: string, topics: string) => repo.write(`apps/${svc}/service.yaml`, repo.read(`apps/${svc}/service.yaml`).replace('scaling:', `topics:\n  ${topics}\nscaling:`));
    consumes('order', 'produces: [order.events]');
    consumes('inventory', 'consumes: [order.events]');
    const base = repo.commit('topics');
    repo.write('apps/order/events/order.events/OrderPlaced.schema.json', '{"type":"object"}\n');
    repo.commit('order declares OrderPlaced');
    expect((await computeAffected({ root: repo.root, base })).services).toEqual([
      { name: 'inventory', reasons: [{ kind: 'event-contract', detail: 'apps/order/events/order.events/OrderPlaced.schema.json changed and it consumes order.events' }] },
      { name: 'order', reasons: [{ kind: 'folder', detail: 'apps/order/events/order.events/OrderPlaced.schema.json changed' }] },
    ]);
  });

  it('selects the services that depend on a changed shared package, transitively, and says through what', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.write('packages/kit/src/index.ts', 'export const x = 2;\n');
    repo.commit('change kit');
    const result = await computeAffected({ root: repo.root, base });
    expect(result.services.map((s) => s.name)).toEqual(['inventory', 'order']);
    expect(result.services.find((s) => s.name === 'order')!.reasons[0]!.detail).toBe(
      'depends on @msa/events → @msa/kit (packages/kit/src/index.ts changed)',
    );
    expect(result.services.find((s) => s.name === 'inventory')!.reasons[0]!.kind).toBe('shared-package');
  });

  it('ignores a shared package test change and changes outside any service (docs, pipelines, workflows)', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.write('packages/kit/test/kit.test.ts', 'export {};\n').write('README.md', '# changed\n').write('.github/workflows/x.yml', 'on: push\n');
    repo.commit('docs and tests');
    const result = await computeAffected({ root: repo.root, base });
    expect(result.services).toEqual([]);
    expect(result.ignored.sort()).toEqual(['.github/workflows/x.yml', 'README.md', 'packages/kit/test/kit.test.ts']);
  });

  it('selects every service and every stack when infra code changes, or a package infra uses', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.write('infra/index.ts', 'export const changed = true;\n');
    repo.commit('infra');
    const result = await computeAffected({ root: repo.root, base });
    expect(result.services.map((s) => s.name)).toEqual(['delivery', 'inventory', 'order']);
    expect(result.services[0]!.reasons[0]!.kind).toBe('infra');
    expect(result.stacks.map((s) => s.name)).toEqual(['dev', 'prod']);

    const base2 = repo.head();
    repo.write('packages/catalog/src/index.ts', 'export const y = 1;\n');
    repo.commit('catalog code');
    const viaCatalog = await computeAffected({ root: repo.root, base: base2 });
    expect(viaCatalog.services.map((s) => s.name)).toEqual(['delivery', 'inventory', 'order']);
    expect(viaCatalog.services[0]!.reasons[0]!.detail).toContain('@msa/catalog');
  });

  it("previews only the local stacks, and releases no service, when only the local target's code changes", async () => {
    const repo = monorepo();
    repo.write('Pulumi.prod.yaml', repo.read('Pulumi.prod.yaml').replace('msa:target: local', 'msa:target: aws'));
    const base = repo.commit('prod on aws');
    repo.write('infra/src/targets/local/supervisor.ts', 'export const restarts = 3;\n');
    repo.commit('local target');
    const result = await computeAffected({ root: repo.root, base });
    expect(result.services).toEqual([]);
    expect(result.stacks).toEqual([{ name: 'dev', reasons: ["the local target's code changed"] }]);
  });

  it('releases no service when release state in a stack config changes (a release must not start another); previews the stack', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.write('Pulumi.dev.yaml', releasesYaml({ order: 'v2', inventory: 'v1' }, '  msa:nodeSize: small\n'));
    repo.commit('release order v2 to dev');
    const result = await computeAffected({ root: repo.root, base });
    expect(result.services).toEqual([]);
    expect(result.stacks).toEqual([{ name: 'dev', reasons: ['Pulumi.dev.yaml changed'] }]);
  });

  it('reads the lockfile: a dependency added to one service selects that service alone', async () => {
    const repo = monorepo();
    const lock = (extra: Record<string, unknown>) =>
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { workspaces: ['apps/*'] },
          'apps/order': { dependencies: { '@msa/events': '0.1.0', ...extra } },
          'apps/inventory': { dependencies: { '@msa/kit': '0.1.0', shared: '1.0.0' } },
          'apps/delivery': { dependencies: { shared: '1.0.0' } },
          'node_modules/shared': { version: '1.0.0' },
          'node_modules/@msa/events': { resolved: 'packages/events', link: true },
          'packages/events': { dependencies: { '@msa/kit': '0.1.0' } },
          ...(Object.keys(extra).length ? { 'node_modules/left-pad': { version: '1.3.0' } } : {}),
        },
      });
    repo.write('package-lock.json', lock({}));
    const base = repo.commit('lockfile');
    repo.write('package-lock.json', lock({ 'left-pad': '1.3.0' }));
    repo.commit('order adds left-pad');
    expect(await affectedNames(repo, base)).toEqual(['order']);

    const base2 = repo.head();
    repo.write('package-lock.json', lock({ 'left-pad': '1.3.0' }).replace('"version":"1.0.0"', '"version":"1.0.1"'));
    repo.commit('bump shared');
    const result = await computeAffected({ root: repo.root, base: base2 });
    expect(result.services.map((s) => s.name)).toEqual(['delivery', 'inventory']);
    expect(result.services[0]!.reasons).toEqual([{ kind: 'locked-dependency', detail: 'package-lock.json: node_modules/shared changed' }]);
  });

  it('a new service selects itself only; the root scripts changing selects nothing', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.addService('payment');
    const pkg = JSON.parse(repo.read('package.json'));
    pkg.scripts.pipeline = 'node pipelines/src/cli.ts';
    repo.write('package.json', JSON.stringify(pkg));
    repo.commit('add payment');
    expect(await affectedNames(repo, base)).toEqual(['payment']);
  });

  it('stops with the file and field when a changed catalog entry is invalid', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.write('apps/order/service.yaml', 'name: order\nport: nope\n');
    repo.commit('break order');
    await expect(computeAffected({ root: repo.root, base })).rejects.toThrow(/apps\/order\/service.yaml is invalid: .*port/);
  });

  it('prints a table for people, JSON with a matrix for workflows, and GitHub step outputs', async () => {
    const repo = monorepo();
    const base = repo.head();
    repo.write('apps/order/src/main.ts', 'export const v = 2;\n');
    repo.commit('order');
    const printed: string[] = [];
    const outFile = path.join(repo.root, 'gh-output');
    writeFileSync(outFile, '');
    const result = await affectedCommand({ root: repo.root, base, githubOutput: outFile, print: (t) => printed.push(t) });
    expect(printed[0]).toMatch(/order .*folder: apps\/order\/src\/main.ts changed/);
    expect(matrixOf(result)).toEqual({ include: [{ service: 'order' }] });
    expect(readFileSync(outFile, 'utf8')).toContain('matrix={"include":[{"service":"order"}]}\n');
    const json: string[] = [];
    await affectedCommand({ root: repo.root, base, json: true, print: (t) => json.push(t) });
    expect(JSON.parse(json[0]!).matrix).toEqual({ include: [{ service: 'order' }] });
  });
});
