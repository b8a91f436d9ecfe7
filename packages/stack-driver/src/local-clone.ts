import { existsSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { databaseName, findRepoRoot, hasDatabase, healthPaths, loadCatalog, stackFileName, stackOfFile, topicName, type Catalog } from '@msa/catalog';
import { parse } from 'yaml';
import { localStackConfigSchema, StackConfigError, type LocalStackConfig } from '@msa/infra/config';
import { pulumi, repoRoot, type PulumiRunOptions } from './pulumi-cli.ts';
import { destroyStack, localOutputs, stackExists, upStack, waitHealthy, type LocalStackOutputs } from './local-stack.ts';

/** A clone's stack name: lowercase, digits and dashes, e.g. local-pr-42. */
const CLONE_NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

export interface CloneOptions extends PulumiRunOptions {
  /** The stack whose Pulumi.<source>.yaml is copied (e.g. local). */
  source: string;
  /** The new stack (e.g. local-pr-42). */
  target: string;
  /** Folder holding Pulumi.yaml and the stack files; the repository root by default. */
  root?: string;
  /** Catalog to smoke-test against; loaded from `root` by default. */
  catalog?: Catalog;
}

export interface CloneReport {
  source: string;
  target: string;
  stackFile: string;
  portOffset: number;
  namePrefix: string;
  topicPrefix: string;
  endpoints: Record<string, string>;
  databases: Record<string, string>;
  topics: Record<string, string>;
  smoke: { url: string; status: number }[];
  seconds: { configure: number; up: number; smoke: number };
}

/** Reads a local stack's config from its YAML in the repository (not from the state). */
export function readLocalStackFile(root: string, stack: string): LocalStackConfig {
  const file = path.join(root, stackFileName(stack));
  if (!existsSync(file)) throw new Error(`no ${path.basename(file)} in ${root}: nothing to clone from`);
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (key.startsWith('msa:')) raw[key.slice(4)] = maskSecrets(value);
  }
  if (raw.target !== 'local') {
    throw new StackConfigError(stack, [{ key: 'msa:target', message: `is "${String(raw.target)}": only local stacks are cloned by this command` }]);
  }
  const parsed = localStackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new StackConfigError(stack, parsed.error.issues.map((i) => ({ key: `msa:${i.path.join('.')}`, message: i.message })));
  }
  return parsed.data;
}

/** Encrypted values (`{ secure: v1:... }`) stand in as placeholders: only their shape is validated here. */
function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === 'secure' && typeof entries[0][1] === 'string') return '[secret]';
    return Object.fromEntries(entries.map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}

/** Names a clone gets, derived from its stack name so they are unique per clone and recognisable. */
export function cloneNames(target: string): { namePrefix: string; topicPrefix: string } {
  if (!CLONE_NAME.test(target)) throw new Error(`clone stack name "${target}" must be 3-40 lowercase letters, digits and dashes`);
  return { namePrefix: `${target.replace(/-/g, '_').slice(0, 23)}_`, topicPrefix: `${target}.` };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port offset no other local stack file uses and whose ports are free now: the source's offset
 * plus whole steps larger than the catalog's port range.
 */
export async function freePortOffset(root: string, catalog: Catalog, sourceOffset: number, exceptStack?: string): Promise<number> {
  const ports = catalog.services.map((s) => s.port);
  const span = Math.max(...ports) - Math.min(...ports) + 1;
  const step = Math.ceil(span / 100) * 100;
  const taken = new Set<number>();
  for (const file of readdirSync(root)) {
    const stack = stackOfFile(file);
    if (!stack || stack === exceptStack) continue;
    try {
      taken.add(readLocalStackFile(root, stack).local.portOffset);
    } catch {
      // not a local stack
    }
  }
  for (let offset = sourceOffset + step; Math.max(...ports) + offset <= 65535; offset += step) {
    const clashes = [...taken].some((t) => Math.abs(t - offset) < step);
    if (clashes) continue;
    const free = await Promise.all(ports.map((p) => portFree(p + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error('no free port offset left for another local stack');
}

/**
 * Clones a local stack into a new one: config copied from the source's YAML with its secrets
 * re-encrypted for the new stack (`pulumi stack init --copy-config-from`), then unique ports,
 * database/role names and topic prefix; `up`; a smoke test through each public API; a report.
 */
export async function cloneLocalStack(options: CloneOptions): Promise<CloneReport> {
  const root = options.root ?? repoRoot;
  // The program reads the catalog of the repository the project lives in.
  const catalog = options.catalog ?? loadCatalog(findRepoRoot(root));
  const { source, target } = options;
  const run: PulumiRunOptions = { cwd: root, env: options.env, stream: options.stream };
  const t0 = Date.now();
  const sourceConfig = readLocalStackFile(root, source);
  const names = cloneNames(target);

  // --copy-config-from needs the source stack in the backend; an empty one is enough.
  if (!(await stackExists(source, run))) await pulumi(['stack', 'init', source, '--non-interactive'], run);
  if (!(await stackExists(target, run))) {
    await pulumi(['stack', 'init', target, '--copy-config-from', source, '--non-interactive'], run);
  }
  const portOffset = await freePortOffset(root, catalog, sourceConfig.local.portOffset, target);
  const set = (key: string, value: string) => pulumi(['config', 'set', '--path', key, value, '--stack', target], run);
  await set('msa:local.portOffset', String(portOffset));
  await set('msa:local.namePrefix', names.namePrefix);
  await set('msa:local.topicPrefix', names.topicPrefix);
  // Validate the result exactly as the program will, before anything is created.
  readLocalStackFile(root, target);
  const t1 = Date.now();

  await upStack(target, run);
  const t2 = Date.now();
  const outputs = await localOutputs(target, { ...run, stream: false });
  const smoke = await smokeTest(catalog, outputs);
  const t3 = Date.now();

  return {
    source,
    target,
    stackFile: path.join(root, stackFileName(target)),
    portOffset,
    ...names,
    endpoints: outputs.endpoints,
    databases: Object.fromEntries(catalog.services.filter(hasDatabase).map((s) => [s.name, databaseName(s, { database: names.namePrefix })])),
    topics: Object.fromEntries(catalog.topics.map((t) => [t, topicName(names.topicPrefix, t)])),
    smoke,
    seconds: { configure: (t1 - t0) / 1000, up: (t2 - t1) / 1000, smoke: (t3 - t2) / 1000 },
  };
}

/** Every service ready, and each public service's API answering its health and OpenAPI paths. */
export async function smokeTest(catalog: Catalog, outputs: LocalStackOutputs): Promise<{ url: string; status: number }[]> {
  for (const s of catalog.services) {
    const url = outputs.endpoints[s.name];
    if (url) await waitHealthy([url], healthPaths(s).readiness, 60_000);
  }
  const results: { url: string; status: number }[] = [];
  for (const service of catalog.services.filter((s) => s.public)) {
    for (const p of [service.http.health, service.http.openapi]) {
      const url = `${outputs.endpoints[service.name]}${p}`;
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      results.push({ url, status: res.status });
      if (!res.ok) throw new Error(`smoke test: ${url} answered ${res.status}`);
    }
  }
  return results;
}

/** Destroys a clone's resources and removes the stack and its Pulumi.<stack>.yaml. */
export async function destroyLocalClone(target: string, options: PulumiRunOptions & { root?: string } = {}): Promise<void> {
  cloneNames(target);
  const run: PulumiRunOptions = { cwd: options.root ?? repoRoot, env: options.env, stream: options.stream };
  if (!(await stackExists(target, run))) return;
  await destroyStack(target, { ...run, remove: true });
}
