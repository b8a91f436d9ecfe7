import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { afterAll, describe, expect, it } from 'vitest';
import { StackConfigError } from '../../src/config/errors.ts';
import { cloneNames, freePortOffset, readLocalStackFile } from '@msa/stack-driver';
import { localStackConfigSchema } from '../../src/targets/local/config.ts';
import { resolveLocalStack } from '../../src/targets/local/spec.ts';

const root = findRepoRoot(import.meta.dirname);
const catalog = loadCatalog(root);
const base = () => ({ target: 'local', local: { portOffset: 10000 } });

describe('the local stack config', () => {
  it('Pulumi.local.yaml is valid and runs every catalog service', () => {
    const config = readLocalStackFile(root, 'local');
    const plan = resolveLocalStack('local', config, catalog, root);
    expect(plan.services.map((s) => s.name)).toEqual(catalog.services.map((s) => s.name));
  });

  it('fills in the shared servers and naming defaults', () => {
    const config = localStackConfigSchema.parse(base());
    expect(config.local).toMatchObject({
      namePrefix: '',
      topicPrefix: '',
      postgres: { host: '127.0.0.1', port: 55432, user: 'postgres' },
      kafka: { brokers: ['127.0.0.1:59092'] },
      tracing: { otlpEndpoint: 'http://127.0.0.1:54318' },
    });
  });

  it("sends every service's spans to the local trace store, and none when tracing is null", () => {
    const traced = resolveLocalStack('local', localStackConfigSchema.parse(base()), catalog, root);
    for (const s of traced.services) expect(s.serviceEnv.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:54318');
    const off = localStackConfigSchema.parse({ target: 'local', local: { portOffset: 10000, tracing: { otlpEndpoint: null } } });
    for (const s of resolveLocalStack('local', off, catalog, root).services) expect(s.serviceEnv).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(localStackConfigSchema.safeParse({ target: 'local', local: { portOffset: 1, tracing: { otlpEndpoint: 'http://10.0.0.5:4318' } } }).success).toBe(false);
  });

  it('rejects servers off loopback, unknown keys and env the stack sets itself', () => {
    const bad = localStackConfigSchema.safeParse({
      target: 'local',
      local: { portOffset: 10000, postgres: { host: '10.0.0.5' }, replica: {}, env: { order: { DATABASE_URL: 'x' } } },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['local.postgres.host', 'local', 'local.env.order.DATABASE_URL']));
  });

  it('names the key and the stack when config mentions a service the catalog lacks', () => {
    const config = localStackConfigSchema.parse({ ...base(), local: { portOffset: 10000, replicas: { billing: 2 } } });
    expect(() => resolveLocalStack('local-x', config, catalog, root)).toThrow(StackConfigError);
    expect(() => resolveLocalStack('local-x', config, catalog, root)).toThrow(/Pulumi\.local-x\.yaml[\s\S]*msa:local\.replicas\.billing: no service "billing"/);
  });

  it('refuses more replicas than the catalog allows', () => {
    const order = catalog.byName('order');
    const config = localStackConfigSchema.parse({ ...base(), local: { portOffset: 10000, replicas: { order: order.scaling.maxReplicas + 1 } } });
    expect(() => resolveLocalStack('local', config, catalog, root)).toThrow(/msa:local\.replicas\.order: \d+ exceeds the catalog's maxReplicas/);
  });
});

describe('the local plan', () => {
  const config = localStackConfigSchema.parse({
    target: 'local',
    local: { portOffset: 10100, namePrefix: 'pr7_', topicPrefix: 'pr7.', replicas: { order: 2 } },
    releases: { order: { version: '1.2.3', image: 'local:order', commit: 'abc1234' } },
  });
  const plan = resolveLocalStack('local-pr-7', config, catalog, root);

  it('gives every service its own port, database and role, all prefixed for the stack', () => {
    const ports = plan.services.map((s) => s.port);
    expect(new Set(ports).size).toBe(ports.length);
    for (const s of plan.services) {
      const entry = catalog.byName(s.name);
      expect(s.port).toBe(entry.port + 10100);
      expect(s.url).toBe(`http://127.0.0.1:${entry.port + 10100}`);
      // Its own store, as the catalog's store.engine says: a database and role, or a Redis user, under the prefix.
      if (entry.database) expect(s.database).toEqual({ name: `pr7_${entry.database.name}`, role: `pr7_${entry.database.name}` });
      else expect(s.redis).toEqual({ user: `pr7_${entry.name}` });
      // The built artifact, run as every launcher runs it (service-kit's launchSpec).
      if (entry.runtime.language === 'node') {
        expect(s).toMatchObject({ entry: path.join(entry.dir, 'dist/main.mjs'), native: false, nodeArgs: ['--max-semi-space-size=1', '--optimize-for-size'], launchEnv: { MALLOC_ARENA_MAX: '2' } });
      } else {
        // Another runtime's program, run as it is with its catalog launch command.
        expect(s).toMatchObject({ entry: path.join(entry.dir, entry.runtime.launch[0]!), native: true, nodeArgs: entry.runtime.launch.slice(1) });
      }
    }
  });

  it('prefixes every topic, dead-letter topics included', () => {
    expect(Object.keys(plan.topicNames).sort()).toEqual([...catalog.topics].sort());
    for (const [topic, name] of Object.entries(plan.topicNames)) expect(name).toBe(`pr7.${topic}`);
    for (const s of plan.services) expect(s.ownTopics).toContain(`${s.name}.dlq`);
  });

  it('takes replicas and version from config, the rest from the catalog', () => {
    const order = plan.services.find((s) => s.name === 'order')!;
    expect(order).toMatchObject({ replicas: 2, version: '1.2.3', commit: 'abc1234' });
    const others = plan.services.filter((s) => s.name !== 'order');
    for (const s of others) expect(s.replicas).toBe(catalog.byName(s.name).scaling.minReplicas);
  });

  it("points each caller at its callees' URLs in this stack", () => {
    for (const s of plan.services) {
      const urlVars = Object.keys(s.serviceEnv).filter((k) => k.endsWith('_URL'));
      expect(urlVars).toEqual(catalog.byName(s.name).calls.map((c) => `${c.toUpperCase()}_URL`));
      for (const callee of catalog.byName(s.name).calls) {
        expect(s.serviceEnv[`${callee.toUpperCase()}_URL`]).toBe(plan.services.find((x) => x.name === callee)!.url);
      }
    }
  });

  it('tells each service its name, version, port and topic prefix in this stack, and nothing from service.yaml at start', () => {
    const order = plan.services.find((s) => s.name === 'order')!;
    expect(order.serviceEnv).toMatchObject({ SERVICE_NAME: 'order', SERVICE_VERSION: '1.2.3', PORT: String(order.port), TOPIC_PREFIX: 'pr7.' });
  });
});

describe('clone naming', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'clone-names-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('derives database and topic prefixes from the clone stack name', () => {
    expect(cloneNames('local-pr-42')).toEqual({ namePrefix: 'local_pr_42_', topicPrefix: 'local-pr-42.' });
    expect(() => cloneNames('Local PR')).toThrow(/lowercase letters, digits and dashes/);
  });

  it('picks a port offset that no other local stack file uses', async () => {
    const stackFile = (name: string, offset: number) =>
      writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), `config:\n  msa:target: local\n  msa:local:\n    portOffset: ${offset}\n`);
    stackFile('local', 30000);
    stackFile('local-pr-1', 30100);
    const offset = await freePortOffset(dir, catalog, 30000);
    expect(offset).toBe(30200);
  });
});
