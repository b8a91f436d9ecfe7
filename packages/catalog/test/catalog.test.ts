import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError, findRepoRoot, loadCatalog } from '../src/index.ts';

function repoWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'catalog-'));
  writeFileSync(path.join(root, 'package.json'), '{}');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.join(root, 'apps', name), { recursive: true });
    writeFileSync(path.join(root, 'apps', name, 'service.yaml'), text);
  }
  return root;
}

const valid = (name: string, port: number, extra = '') => `
name: ${name}
team: t
description: d
port: ${port}
database: { name: ${name.replace(/-/g, '_')} }
scaling: { minReplicas: 1, maxReplicas: 2 }
${extra}`;

function issuesOf(root: string) {
  try {
    loadCatalog(root);
  } catch (e) {
    if (e instanceof CatalogError) return e.issues;
    throw e;
  }
  throw new Error('expected the catalog to be rejected');
}

describe('the service catalog', () => {
  it('loads the repository catalog: order, inventory, delivery and tracking', () => {
    const catalog = loadCatalog(findRepoRoot(import.meta.dirname));
    expect(catalog.services.map((s) => s.name)).toEqual(['delivery', 'inventory', 'order', 'tracking']);
    expect(catalog.byName('order').public).toBe(true);
    expect(catalog.byName('order').scaling.cpuTarget).toBe(70);
    expect(catalog.topics).toEqual([
      'delivery.dlq',
      'delivery.events',
      'inventory.dlq',
      'inventory.events',
      'order.dlq',
      'order.events',
      'tracking.dlq',
    ]);
  });

  it('says how each service is built, run and stored; a service that says nothing is Node.js on PostgreSQL', () => {
    const catalog = loadCatalog(findRepoRoot(import.meta.dirname));
    expect(catalog.byName('order').runtime).toEqual({ language: 'node' });
    expect(catalog.byName('order').store).toEqual({ engine: 'postgres' });
    expect(catalog.byName('tracking').runtime).toMatchObject({ language: 'go', artifact: 'dist/service', launch: ['dist/service'] });
    expect(catalog.byName('tracking').store).toEqual({ engine: 'redis' });
    expect(catalog.byName('tracking').database).toBeUndefined();
  });

  it('applies defaults for health, readiness and metrics paths', () => {
    const s = loadCatalog(repoWith({ alpha: valid('alpha', 4000) })).byName('alpha');
    expect(s.http).toEqual({ health: '/healthz', readiness: '/readyz', metrics: '/metrics', openapi: '/openapi.json', publicPaths: [] });
    expect(s.topics).toEqual({ produces: [], consumes: [] });
  });

  it('lets a public service expose only API path prefixes: never /, never one that covers a probe, metrics or OpenAPI', () => {
    expect(issuesOf(repoWith({ alpha: valid('alpha', 4000, 'public: true') }))).toEqual([expect.objectContaining({ field: 'http.publicPaths' })]);
    expect(issuesOf(repoWith({ alpha: valid('alpha', 4000, 'public: true\nhttp: { publicPaths: [/] }') }))).toContainEqual(
      expect.objectContaining({ field: 'http.publicPaths.0', message: expect.stringMatching(/never \//) }),
    );
    const covering = issuesOf(repoWith({ alpha: valid('alpha', 4000, 'public: true\nhttp: { publicPaths: [/api], metrics: /api/metrics }') }));
    expect(covering).toEqual([expect.objectContaining({ field: 'http.publicPaths.0', message: 'would route the internal path /api/metrics through the public ingress' })]);
    expect(issuesOf(repoWith({ alpha: valid('alpha', 4000, 'http: { publicPaths: [/things] }') }))).toEqual([
      expect.objectContaining({ message: 'only a public service (public: true) has public paths' }),
    ]);
    expect(loadCatalog(findRepoRoot(import.meta.dirname)).byName('order').http.publicPaths).toEqual(['/orders']);
  });

  it('names the file and the field of a wrong value', () => {
    const issues = issuesOf(repoWith({ alpha: valid('alpha', 80) }));
    expect(issues).toEqual([expect.objectContaining({ file: 'apps/alpha/service.yaml', field: 'port' })]);
  });

  it('asks a postgres store for its database and a redis store for none, and knows only the runtimes it can build', () => {
    const root = repoWith({
      alpha: valid('alpha', 4000).replace(/database: .*\n/, ''),
      beta: valid('beta', 4001, 'store:\n  engine: redis\n'),
      gamma: valid('gamma', 4002, 'runtime:\n  language: rust\n'),
    });
    expect(issuesOf(root)).toEqual([
      expect.objectContaining({ file: 'apps/alpha/service.yaml', field: 'database', message: expect.stringContaining('postgres store needs') }),
      expect.objectContaining({ file: 'apps/beta/service.yaml', field: 'database', message: expect.stringContaining('remove `database`') }),
      expect.objectContaining({ file: 'apps/gamma/service.yaml', field: 'runtime.language' }),
    ]);
  });

  it('rejects a replica minimum above the maximum', () => {
    const root = repoWith({ alpha: valid('alpha', 4000).replace('minReplicas: 1', 'minReplicas: 3') });
    expect(issuesOf(root)).toEqual([
      expect.objectContaining({ field: 'scaling.minReplicas', message: 'minReplicas must not exceed maxReplicas' }),
    ]);
  });

  it('rejects a consumed topic that no service produces', () => {
    const root = repoWith({ alpha: valid('alpha', 4000, 'topics: { consumes: [ghost.events] }') });
    expect(issuesOf(root)).toEqual([
      expect.objectContaining({ field: 'topics.consumes.0', message: expect.stringContaining('ghost.events') }),
    ]);
  });

  it('rejects a call to an unknown service', () => {
    const root = repoWith({ alpha: valid('alpha', 4000, 'calls: [nobody]') });
    expect(issuesOf(root)).toEqual([expect.objectContaining({ field: 'calls.0', message: 'calls unknown service "nobody"' })]);
  });

  it('rejects fields the schema does not know, naming them', () => {
    const root = repoWith({ alpha: valid('alpha', 4000, 'colour: red') });
    expect(issuesOf(root)).toEqual([expect.objectContaining({ message: expect.stringContaining('colour') })]);
  });

  it('rejects two services sharing a port, a database or a topic they produce', () => {
    const root = repoWith({
      alpha: valid('alpha', 4000, 'topics: { produces: [x] }'),
      beta: valid('beta', 4000, 'topics: { produces: [x] }').replace('{ name: beta }', '{ name: alpha }'),
    });
    const fields = issuesOf(root).map((i) => `${i.file}:${i.field}`);
    expect(fields).toEqual(
      expect.arrayContaining(['apps/beta/service.yaml:port', 'apps/beta/service.yaml:database.name', 'apps/beta/service.yaml:topics.produces']),
    );
  });

  it('requires the name to match the folder, so adding a service is adding a folder', () => {
    const root = repoWith({ alpha: valid('beta', 4000) });
    expect(issuesOf(root)).toEqual([expect.objectContaining({ field: 'name', message: expect.stringContaining('"alpha"') })]);
  });

  it('reports YAML syntax errors with the file', () => {
    const root = repoWith({ alpha: 'name: [unclosed' });
    expect(issuesOf(root)[0]).toMatchObject({ file: 'apps/alpha/service.yaml', message: expect.stringMatching(/^YAML/) });
  });
});
