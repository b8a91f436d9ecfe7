import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog } from '@msa/catalog';
import { orderSettles } from '@msa/system-tests';
import pg from 'pg';
import { connectionSettings } from '@msa/local-servers';
import { freePortOffset } from '@msa/stack-driver';
import { repoRoot, type PulumiRunOptions } from '@msa/stack-driver';
import { bearer, DevIssuer, OPERATOR_ROLE } from '@msa/service-kit/dev-issuer';
import { issuerDir } from '../../src/targets/local/paths.ts';

export const catalog = loadCatalog(repoRoot);

/**
 * A throw-away copy of the Pulumi project: the real program (main: the repository's infra/) with a
 * local stack of its own name, ports, database prefix and topic prefix, and its own state folder.
 * So tests and benchmarks never touch the developer's `local` stack, and CI leaves nothing behind.
 */
export interface ScratchProject {
  root: string;
  stack: string;
  namePrefix: string;
  topicPrefix: string;
  portOffset: number;
  run: PulumiRunOptions;
  cleanup(): void;
}

export async function scratchProject(label: string): Promise<ScratchProject> {
  const scratchDir = path.join(repoRoot, '.local', 'test-scratch');
  mkdirSync(scratchDir, { recursive: true });
  const root = mkdtempSync(path.join(scratchDir, `${label}-`));
  const id = path.basename(root).slice(label.length + 1).toLowerCase().replace(/[^a-z0-9]/g, '');
  const stack = `${label}-${id}`;
  const state = mkdtempSync(path.join(tmpdir(), `${label}-state-`));
  const project = readFileSync(path.join(repoRoot, 'Pulumi.yaml'), 'utf8').replace(/^main: .*$/m, `main: ${path.relative(root, path.join(repoRoot, 'infra'))}/`);
  writeFileSync(path.join(root, 'Pulumi.yaml'), project);
  const namePrefix = `${stack.replace(/-/g, '_')}_`;
  const topicPrefix = `${stack}.`;
  const portOffset = await freePortOffset(root, catalog, 20000 + Math.floor(Math.random() * 100) * 100);
  const source = readFileSync(path.join(repoRoot, 'Pulumi.local.yaml'), 'utf8')
    .replace(/^encryptionsalt:.*\n/m, '')
    .replace(/portOffset: \d+/, `portOffset: ${portOffset}`)
    .replace(/namePrefix: ""/, `namePrefix: "${namePrefix}"`)
    .replace(/topicPrefix: ""/, `topicPrefix: "${topicPrefix}"`);
  writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), source);
  return {
    root,
    stack,
    namePrefix,
    topicPrefix,
    portOffset,
    run: { cwd: root, env: { PULUMI_BACKEND_URL: `file://${state}` } },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers }, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** An operator's token from a local stack's own dev issuer (what `npm run token -- --stack <stack>` prints). */
export const stackToken = (stack: string) => DevIssuer.open(issuerDir(stack, repoRoot), stack).token('e2e', [OPERATOR_ROLE]);

/** Puts stock in, places an order, and waits for the saga to end (as the stack's operator); returns the order in its final status. */
export async function runSaga(stack: string, urls: Record<string, string>, sku: string, address: string): Promise<{ id: string; status: string }> {
  const token = await stackToken(stack);
  const headers = { authorization: bearer(token) };
  const stock = await json(`${urls.inventory}/stock/${sku}`, { method: 'PUT', body: JSON.stringify({ available: 100 }), headers });
  if (stock.status !== 200) throw new Error(`setting stock failed: ${stock.status} ${JSON.stringify(stock.body)}`);
  const placed = await json(`${urls.order}/orders`, { method: 'POST', body: JSON.stringify({ items: [{ sku, quantity: 1 }], address }), headers });
  if (placed.status >= 300) throw new Error(`placing an order failed: ${placed.status} ${JSON.stringify(placed.body)}`);
  return orderSettles(urls.order!, placed.body.id as string, 60_000, { token });
}

/** Databases and roles on the local server whose names start with `prefix`. */
export async function databasesWithPrefix(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: connectionSettings().postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT datname AS name FROM pg_database WHERE starts_with(datname, $1) UNION ALL SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)",
      [prefix],
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

/**
 * Processes of a stack: its supervisors (their command line names the stack's runtime folder) and
 * their replicas (whose environment carries the stack's own topic prefix).
 */
export function stackProcesses(runtimeDir: string, topicPrefix: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (cmdline.includes(runtimeDir) || environ.includes(`TOPIC_PREFIX=${topicPrefix}`)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Topics on the local broker whose names start with `prefix`. */
export async function topicsWithPrefix(prefix: string): Promise<string[]> {
  const { Admin } = await import('@platformatic/kafka');
  const admin = new Admin({ clientId: 'msa-local-stack-test', bootstrapBrokers: ['127.0.0.1:59092'] });
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
  } finally {
    await admin.close();
  }
}
