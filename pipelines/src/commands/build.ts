import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PipelineContext } from '../context.ts';
import { Git } from '../git/git.ts';
import { exec } from '@msa/stack-driver';
import { TOOLS_ROOT } from '@msa/stack-driver';
import { writeBuildRecord, type BuildRecord } from '../records/builds.ts';
import { buildArtifact, type PackedArtifact } from '../build/bundle.ts';
import { buildImage } from '../build/image.ts';

export interface BuildOptions {
  service: string;
  /** Image repository prefix; the release image is <repository>/<service>@sha256:<digest>. */
  repository?: string;
  /** Push the image when an engine built one. */
  push?: boolean;
  /** Start the local PostgreSQL and Kafka (`npm run servers -- start`) before the tests, as on a fresh CI runner. */
  startServers?: boolean;
}

type Step = BuildRecord['steps'][number];

export class BuildFailedError extends Error {
  readonly steps: Step[];
  constructor(message: string, steps: Step[]) {
    super(message);
    this.name = 'BuildFailedError';
    this.steps = steps;
  }
}

/**
 * Build once: typecheck, test, build the service bundle every launcher runs and store it by its
 * digest (the artifact's identity, see build/bundle.ts),
 * then build the image when a container engine is there. Steps that cannot run here are
 * skipped with the reason, never silently. Writes .local/builds/<service>/<commit>.json.
 */
export async function buildCommand(ctx: PipelineContext, opts: BuildOptions): Promise<BuildRecord> {
  const service = ctx.catalog().byName(opts.service);
  const dir = path.relative(ctx.root, service.dir);
  const git = new Git(ctx.root);
  if (!(await git.isClean([dir]))) {
    throw new Error(`${dir} has uncommitted changes; a build is named by its commit, so commit them first`);
  }
  const commit = await git.revParse('HEAD');
  // A Node.js service's version is its package's; a service of another runtime has no package.json.
  const pkgFile = path.join(service.dir, 'package.json');
  const pkg = (existsSync(pkgFile) ? JSON.parse(readFileSync(pkgFile, 'utf8')) : {}) as { version?: string };
  const version = `${pkg.version ?? '0.0.0'}-${commit.slice(0, 7)}`;
  const steps: Step[] = [];
  const bin = (name: string) => path.join(TOOLS_ROOT, 'node_modules/.bin', name);

  const step = async (name: string, run: () => Promise<Omit<Step, 'name' | 'ms'>>) => {
    const started = Date.now();
    const r = await run();
    const s = { name, ...r, ms: Date.now() - started };
    steps.push(s);
    ctx.log(`build ${service.name}: ${name}: ${s.status} (${s.ms} ms) ${s.detail}`);
    if (s.status === 'failed') throw new BuildFailedError(`Build of ${service.name} failed at ${name}: ${s.detail}`, steps);
  };

  await step('typecheck', async () => {
    if (service.runtime.language === 'go') {
      const r = await exec('go', ['vet', './...'], { cwd: service.dir });
      return r.exitCode === 0 ? { status: 'passed', detail: 'go vet ./...' } : { status: 'failed', detail: (r.stdout + r.stderr).trim().split('\n').slice(0, 20).join('\n') };
    }
    const tsconfig = path.join(dir, 'tsconfig.json');
    if (!existsSync(path.join(ctx.root, tsconfig))) return { status: 'failed', detail: `${tsconfig} not found; every service typechecks on its own` };
    const r = await exec(bin('tsc'), ['-p', tsconfig, '--noEmit'], { cwd: ctx.root });
    return r.exitCode === 0 ? { status: 'passed', detail: `tsc -p ${tsconfig}` } : { status: 'failed', detail: (r.stdout + r.stderr).trim().split('\n').slice(0, 20).join('\n') };
  });

  if (opts.startServers) {
    await step('servers', async () => {
      const scripts = (JSON.parse(readFileSync(path.join(ctx.root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
      if (!scripts.servers) return { status: 'failed', detail: 'the root package.json has no "servers" script to start PostgreSQL and Kafka' };
      const r = await exec('npm', ['run', '-s', 'servers', '--', 'start'], { cwd: ctx.root, stream: true });
      return r.exitCode === 0 ? { status: 'passed', detail: 'npm run servers -- start' } : { status: 'failed', detail: `npm run servers -- start failed (exit ${r.exitCode})` };
    });
  }

  await step('test', async () => {
    const testDir = path.join(dir, 'test');
    if (!existsSync(path.join(ctx.root, testDir))) return { status: 'failed', detail: `${testDir} not found; a service ships with its tests` };
    const r = await exec(bin('vitest'), ['run', `${testDir}/`], { cwd: ctx.root });
    const summary = /Tests\s+.*$/m.exec((r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, ''))?.[0] ?? '';
    return r.exitCode === 0
      ? { status: 'passed', detail: `vitest run ${testDir}: ${summary}` }
      : { status: 'failed', detail: `vitest run ${testDir}: ${summary}\n${(r.stdout + r.stderr).trim().split('\n').slice(-30).join('\n')}` };
  });

  let bundle: PackedArtifact | undefined;
  await step('bundle', async () => {
    bundle = await buildArtifact(ctx.root, service);
    return { status: 'passed', detail: `${path.relative(ctx.root, bundle.dir)}: ${bundle.files} files, ${bundle.bytes} bytes packed, ${bundle.digest}` };
  });

  const repository = opts.repository ?? process.env.MSA_IMAGE_REPOSITORY ?? 'local/msa';
  let imageDigest = bundle!.digest;
  await step('image', async () => {
    const tag = `${repository}/${service.name}:${commit.slice(0, 12)}`;
    const { digest, ...outcome } = await buildImage(ctx.root, service, { tag, commit, artifactDigest: bundle!.digest, push: opts.push });
    if (digest) imageDigest = digest;
    return outcome;
  });

  const record: BuildRecord = {
    service: service.name,
    commit,
    version,
    digest: imageDigest,
    image: `${repository}/${service.name}@${imageDigest}`,
    artifact: path.relative(ctx.root, bundle!.file),
    builtAt: ctx.now().toISOString(),
    steps,
  };
  const file = writeBuildRecord(ctx.root, record);
  ctx.log(`build ${service.name}: ${record.image} (record ${path.relative(ctx.root, file)})`);
  return record;
}
