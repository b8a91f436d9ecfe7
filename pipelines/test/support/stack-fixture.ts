import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createContext, type PipelineContext } from '../../src/context.ts';
import { TOOLS_ROOT } from '@msa/stack-driver';
import { PROMOTION_CHAIN } from '../../src/stacks/chain.ts';
import { releaseStore } from '../../src/release/state.ts';
import type { ReleaseState } from '../../src/release/store.ts';
import { TempRepo } from './repo.ts';

/** Builds the project's Pulumi CLI when missing (fast when present): tests run the real CLI. */
export function ensurePulumiCli(): void {
  execFileSync('npm', ['run', '-s', 'pulumi:setup'], { cwd: TOOLS_ROOT, stdio: 'inherit' });
}

/**
 * The Pulumi program the pipeline tests deploy in place of infra (no servers, seconds per update).
 * It reads msa:releases like infra does and exports the catalog's stack contract, built and checked
 * by the contract's own parser, so it cannot define a contract of its own: `releases` (what it runs)
 * and `endpoints` (where each service answers; here a release server path per version).
 * pipelines/test/stack-contract.test.ts holds the real programs of both targets to the same contract.
 * FIXTURE_HOLD_MS keeps an update running, holding the stack's lock.
 */
const PROGRAM = `import * as pulumi from '@pulumi/pulumi';
import { parseStackOutputs, releasesSchema } from '@msa/catalog';

const cfg = new pulumi.Config('msa');
const releases = releasesSchema.parse(cfg.getObject('releases') ?? {});
const base = cfg.require('serviceBase');
const holdMs = Number(process.env.FIXTURE_HOLD_MS ?? 0);

export default async () => {
  if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
  return parseStackOutputs({
    target: 'local',
    releases,
    endpoints: Object.fromEntries(Object.entries(releases).map(([svc, r]) => [svc, \`\${base}/\${svc}/\${r.version}\`])),
    // A credential, as the real stacks export their databases': the pipeline must never need to decrypt it.
    databasePassword: pulumi.secret('fixture-database-password'),
  }, pulumi.getStack());
};
`;

/**
 * Stands in for the running services: a real HTTP listener on 127.0.0.1 that answers a release's
 * health and readiness paths with 200, or 503 for a release whose version says "broken".
 */
export async function startReleaseServer(): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const broken = (req.url ?? '').includes('broken');
    res.writeHead(broken ? 503 : 200, { 'content-type': 'text/plain' }).end(broken ? 'not ready' : 'ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

export interface StackRepo {
  repo: TempRepo;
  ctx: PipelineContext;
  logs: string[];
  backend: string;
}

/** A monorepo-shaped git repository with two services, a Pulumi project and the chain's stacks. */
export function stackRepo(serviceBase: string, opts: { stacks?: string[]; smokeTimeoutMs?: number } = {}): StackRepo {
  const repo = new TempRepo('msa-pipelines-stack-');
  symlinkSync(path.join(TOOLS_ROOT, 'node_modules'), path.join(repo.root, 'node_modules'));
  repo.write('.gitignore', 'node_modules\n.local/\nstate/\ndist/\n');
  for (const name of ['order', 'inventory']) {
    repo.addService(name);
    repo.write(`apps/${name}/tsconfig.json`, JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2023', types: [] }, include: ['src'] }));
    repo.write(`apps/${name}/test/main.test.ts`, `import { expect, it } from 'vitest';\nimport { name } from '../src/main.ts';\nit('names itself', () => expect(name).toBe('${name}'));\n`);
  }
  repo.write('Pulumi.yaml', 'name: msa\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: program/\n');
  repo.write('program/package.json', JSON.stringify({ name: 'fixture-program', type: 'module', main: 'index.ts' }));
  repo.write('program/index.ts', PROGRAM);
  for (const stack of opts.stacks ?? [...PROMOTION_CHAIN, 'local']) {
    repo.write(`Pulumi.${stack}.yaml`, `# The ${stack} stack.\nconfig:\n  msa:target: local\n  msa:serviceBase: ${serviceBase}\n  # Release state: written by the pipeline.\n  msa:releases: {}\n`);
  }
  repo.commit('fixture');
  const backend = path.join(repo.root, 'state');
  mkdirSync(backend);
  const logs: string[] = [];
  const ctx = createContext({
    root: repo.root,
    env: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: 'test-only' },
    log: (line) => logs.push(line),
    smokeTimeoutMs: opts.smokeTimeoutMs ?? 2_000,
    lockTimeoutMs: 60_000,
    commit: true,
  });
  return { repo, ctx, logs, backend };
}

/**
 * Per test file: the Pulumi CLI ready, one release server, and `fixture()` for a fresh stack
 * repository per test (removed after it); `server()` is the running release server.
 */
export function useStackFixtures(): { fixture: () => StackRepo; server: () => { url: string; hits: string[] } } {
  let server: { url: string; server: Server; hits: string[] } | undefined;
  const made: StackRepo[] = [];
  beforeAll(async () => {
    ensurePulumiCli();
    server = await startReleaseServer();
  }, 900_000);
  afterAll(() => server?.server.close());
  afterEach(() => made.splice(0).forEach((f) => f.repo.cleanup()));
  return {
    fixture: () => {
      const f = stackRepo(server!.url);
      made.push(f);
      return f;
    },
    server: () => server!,
  };
}

/** Commits a new version of a service (its package.json), so its next build is a new artifact. */
export function bumpVersion(f: StackRepo, service: string, version: string): void {
  const pkg = JSON.parse(f.repo.read(`apps/${service}/package.json`)) as Record<string, unknown>;
  f.repo.write(`apps/${service}/package.json`, JSON.stringify({ ...pkg, version }, null, 2));
  f.repo.commit(`${service} ${version}`);
}

/** A stack's release state as the pipeline reads it (branch deployments/<stack>). */
export function stateOf(f: StackRepo, stack: string): Promise<ReleaseState> {
  return releaseStore(f.ctx).read(stack);
}
