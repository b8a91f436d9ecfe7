import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeArtifact } from '@msa/service-kit/artifact';
import { hasDatabase } from '@msa/catalog';
import { cloneLocalStack, destroyLocalClone, destroyStack, localOutputs, pulumi, refreshStack, repoRoot, upStack, waitHealthy, type CloneReport, type LocalStackOutputs } from '@msa/stack-driver';
import { eventually } from '@msa/system-tests';
import { catalog, databasesWithPrefix, json, runSaga, scratchProject, stackProcesses, stackToken, topicsWithPrefix, type ScratchProject } from './support.ts';

// The local stack end to end with the real CLI, the real servers (`npm run servers -- start`) and
// the real services: up, sagas, clone, isolation, healing, destroy. Steps build on each other.
describe('the local stack, end to end', () => {
  let project: ScratchProject;
  let outputs: LocalStackOutputs;
  let clone: CloneReport;
  let cloneOutputs: LocalStackOutputs;
  const cloneName = () => `${project.stack}-pr-42`;
  const runtimeDir = (stack: string) => path.join(repoRoot, '.local', 'stacks', stack);
  const secretKey = 'msa:local.env.delivery.UNDELIVERABLE_PATTERN';
  const targetsFile = (stack: string) => path.join(repoRoot, '.local', 'monitoring', 'targets', `${stack}.json`);
  /** What the local Prometheus would scrape for a stack: its targets file's addresses. */
  const scraped = (stack: string) => (JSON.parse(readFileSync(targetsFile(stack), 'utf8')) as { targets: string[] }[]).flatMap((g) => g.targets).sort();
  const hosts = (o: LocalStackOutputs) => Object.values(o.endpoints).map((u) => new URL(u).host).sort();

  beforeAll(async () => {
    project = await scratchProject('e2e');
    await pulumi(['stack', 'init', project.stack, '--non-interactive'], project.run);
    // A secret in the source config: the clone must get it re-encrypted, not copied.
    await pulumi(['config', 'set', '--secret', '--path', secretKey, 'nowhere|atlantis', '--stack', project.stack], project.run);
  });

  afterAll(async () => {
    // Whatever a failed step left: the clone first, then the source.
    if (project) {
      await destroyLocalClone(cloneName(), { root: project.root, env: project.run.env }).catch(() => {});
      await destroyStack(project.stack, project.run).catch(() => {});
      project.cleanup();
    }
  });

  it('comes up from nothing with every catalog service ready', async () => {
    await upStack(project.stack, project.run);
    outputs = await localOutputs(project.stack, project.run);
    expect(Object.keys(outputs.endpoints).sort()).toEqual(catalog.services.map((s) => s.name).sort());
    for (const service of catalog.services) {
      const res = await fetch(`${outputs.endpoints[service.name]}${service.http.readiness}`);
      expect(res.status, `${service.name} readiness`).toBe(200);
    }
    expect(await topicsWithPrefix(project.topicPrefix)).toEqual(catalog.topics.map((t) => `${project.topicPrefix}${t}`).sort());
    for (const t of catalog.topics) expect(outputs.topics[t]).toContain(` ${project.topicPrefix}${t} `);
    expect(scraped(project.stack), 'the Prometheus scrape targets file').toEqual(hosts(outputs));
  }, 240_000);

  it('runs a saga to CONFIRMED and one, with an undeliverable address, to CANCELLED', async () => {
    expect((await runSaga(project.stack, outputs.endpoints, 'e2e-widget', '1 Main Street')).status).toBe('CONFIRMED');
    // "atlantis" is undeliverable only through the secret config value.
    expect((await runSaga(project.stack, outputs.endpoints, 'e2e-widget', 'Atlantis harbour')).status).toBe('CANCELLED');
  }, 180_000);

  it('clones the stack from its YAML with new names, ports and re-encrypted secrets, and smoke-tests it', async () => {
    clone = await cloneLocalStack({ source: project.stack, target: cloneName(), root: project.root, env: project.run.env });
    cloneOutputs = await localOutputs(cloneName(), project.run);
    expect(clone.smoke.every((s) => s.status === 200)).toBe(true);
    expect(clone.namePrefix).toBe(`${cloneName().replace(/-/g, '_')}_`);

    const sourceYaml = parse(readFileSync(path.join(project.root, `Pulumi.${project.stack}.yaml`), 'utf8'));
    const cloneYaml = parse(readFileSync(clone.stackFile, 'utf8'));
    const cipher = (doc: any) => doc.config['msa:local'].env.delivery.UNDELIVERABLE_PATTERN.secure as string;
    expect(cipher(cloneYaml)).toMatch(/^v1:/);
    expect(cipher(cloneYaml)).not.toBe(cipher(sourceYaml));
    expect(cloneYaml.encryptionsalt).not.toBe(sourceYaml.encryptionsalt);
    const value = await pulumi(['config', 'get', '--path', secretKey, '--stack', cloneName()], project.run);
    expect(value.trim()).toBe('nowhere|atlantis');
    expect(scraped(cloneName()), "the clone's own scrape targets file").toEqual(hosts(cloneOutputs));
  }, 240_000);

  it('runs a saga on the clone, which shares no port, database or topic with its source', async () => {
    expect((await runSaga(cloneName(), cloneOutputs.endpoints, 'e2e-widget', '2 Side Street')).status).toBe('CONFIRMED');

    const ports = (o: LocalStackOutputs) => Object.values(o.endpoints).map((u) => new URL(u).port);
    expect(ports(cloneOutputs).filter((p) => ports(outputs).includes(p))).toEqual([]);
    // Each stack has exactly its own database and role per service, under its own prefix.
    const own = (prefix: string) => catalog.services.filter(hasDatabase).flatMap((s) => [`${prefix}${s.database.name}`, `${prefix}${s.database.name}`]).sort();
    const cloneDbs = (await databasesWithPrefix(clone.namePrefix)).sort();
    const sourceDbs = (await databasesWithPrefix(project.namePrefix)).filter((d) => !d.startsWith(clone.namePrefix)).sort();
    expect(cloneDbs).toEqual(own(clone.namePrefix));
    expect(sourceDbs).toEqual(own(project.namePrefix));
    const sourceTopics = await topicsWithPrefix(project.topicPrefix);
    const cloneTopics = await topicsWithPrefix(clone.topicPrefix);
    expect(cloneTopics).toHaveLength(catalog.topics.length);
    expect(cloneTopics.filter((t) => sourceTopics.includes(t))).toEqual([]);

    // An order placed on the source is not visible on the clone.
    const onSource = await runSaga(project.stack, outputs.endpoints, 'e2e-widget', '3 Other Street');
    const asCloneOperator = { headers: { authorization: `Bearer ${await stackToken(cloneName())}` } };
    expect((await json(`${cloneOutputs.endpoints.order}/orders/${onSource.id}`, asCloneOperator)).status).toBe(404);

    // The clone's order role cannot even connect to the source's order database.
    const cloneOrderUrl = new URL(cloneOutputs.databases.order!.replace(/^psql "|"$/g, ''));
    const intruder = new pg.Client({
      host: cloneOrderUrl.hostname,
      port: Number(cloneOrderUrl.port),
      user: decodeURIComponent(cloneOrderUrl.username),
      password: decodeURIComponent(cloneOrderUrl.password),
      database: `${project.namePrefix}${catalog.byName('order').database!.name}`,
    });
    await expect(intruder.connect()).rejects.toThrow(/permission denied|not permitted/i);
    await intruder.end().catch(() => {});
  }, 240_000);

  it('restarts a replica that dies, without Pulumi', async () => {
    const stateFile = path.join(runtimeDir(project.stack), 'inventory', 'state.json');
    const before = JSON.parse(readFileSync(stateFile, 'utf8')) as { workers: number[]; restarts: number };
    process.kill(before.workers[0]!, 'SIGKILL');
    const after = await eventually('the supervisor to restart the replica', async () => {
      const s = JSON.parse(readFileSync(stateFile, 'utf8')) as { workers: number[]; restarts: number };
      return s.restarts > before.restarts && s.workers.length === before.workers.length ? s : undefined;
    }, 30_000);
    expect(after.workers).not.toContain(before.workers[0]);
    await waitHealthy([outputs.endpoints.inventory!], '/readyz', 60_000);
  }, 120_000);

  it('notices a killed service on refresh, and up brings it back', async () => {
    const killedPid = outputs.services.order!.pid;
    process.kill(-killedPid, 'SIGKILL');
    await eventually('order to stop answering', async () => ((await fetch(`${outputs.endpoints.order}/healthz`).then(() => true, () => false)) ? undefined : true), 15_000);

    const refreshed = await refreshStack(project.stack, project.run);
    expect(refreshed).toMatch(/order-process.*deleted|1 deleted/);
    const healed = await upStack(project.stack, project.run);
    expect(healed).toMatch(/1 created/);
    const after = await localOutputs(project.stack, project.run);
    expect(after.services.order!.pid).not.toBe(killedPid);
    expect((await runSaga(project.stack, after.endpoints, 'e2e-widget', '4 Healed Street')).status).toBe('CONFIRMED');
    outputs = after;
  }, 240_000);

  it("replaces only the service whose release and replicas changed, and runs the release's stored artifact", async () => {
    const set = (key: string, value: string) => pulumi(['config', 'set', '--path', key, value, '--stack', project.stack], project.run);
    // What `pipeline build` leaves: the artifact stored under its digest, named by the release.
    const stored = storeArtifact(repoRoot, 'delivery', catalog.byName('delivery').dir);
    await set('msa:releases.delivery.version', '9.9.9');
    await set('msa:releases.delivery.image', `local/msa/delivery@${stored.digest}`);
    await set('msa:releases.delivery.commit', 'e2e0000'); // a commit sha: the one release record rule
    await set('msa:local.replicas.delivery', '2');
    const out = await upStack(project.stack, project.run);
    expect(out).toMatch(/delivery-process.*replaced/);
    expect(out).toMatch(/1 replaced/);
    const after = await localOutputs(project.stack, project.run);
    expect(after.services.delivery).toMatchObject({ version: '9.9.9', replicas: 2 });
    const state = JSON.parse(readFileSync(path.join(runtimeDir(project.stack), 'delivery', 'state.json'), 'utf8')) as { workers: number[] };
    expect(state.workers).toHaveLength(2);
    expect(after.services.delivery!.pid).not.toBe(outputs.services.delivery!.pid);
    expect(after.services.order!.pid).toBe(outputs.services.order!.pid);
    expect(after.services.inventory!.pid).toBe(outputs.services.inventory!.pid);
    const spec = JSON.parse(readFileSync(path.join(runtimeDir(project.stack), 'delivery', 'supervisor.json'), 'utf8')) as { entry: string };
    expect(spec.entry).toBe(path.join(stored.dir, 'dist', 'main.mjs'));
    expect((await runSaga(project.stack, after.endpoints, 'e2e-widget', '5 Released Street')).status).toBe('CONFIRMED');
  }, 240_000);

  it('destroys both stacks and leaves no process, database, topic or file behind', async () => {
    await destroyLocalClone(cloneName(), { root: project.root, env: project.run.env });
    await destroyStack(project.stack, project.run);
    expect(existsSync(clone.stackFile)).toBe(false);
    for (const [stack, prefix, topicPrefix] of [
      [project.stack, project.namePrefix, project.topicPrefix],
      [cloneName(), clone.namePrefix, clone.topicPrefix],
    ] as const) {
      expect(stackProcesses(runtimeDir(stack), topicPrefix), `${stack} processes`).toEqual([]);
      expect(await databasesWithPrefix(prefix), `${stack} databases`).toEqual([]);
      expect(await topicsWithPrefix(topicPrefix), `${stack} topics`).toEqual([]);
      expect(existsSync(runtimeDir(stack)), `${stack} runtime folder`).toBe(false);
      expect(existsSync(targetsFile(stack)), `${stack} scrape targets file`).toBe(false);
    }
  }, 240_000);
});
