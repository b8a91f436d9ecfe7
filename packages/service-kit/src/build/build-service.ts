import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { findRepoRoot } from '@msa/catalog';
import { artifactDigest, BUILD_FINGERPRINT as FINGERPRINT } from './artifact.ts';
import { buildGoService } from './build-go.ts';
import { runtimeOf } from './runtime-of.ts';

const require = createRequire(import.meta.url);
const KIT_DIR = path.resolve(import.meta.dirname, '../..');
const KIT_MIGRATIONS = path.join(KIT_DIR, 'migrations');

export interface BuiltService {
  /** The bundle's folder: dist/ inside the service folder. */
  outDir: string;
  /** The digest of the service's artifact (artifact.ts): the one every launcher runs and the pipeline packs. */
  digest: string;
  bytes: number;
}

/**
 * Bundles a service into dist/main.mjs with its production dependencies (dev dependencies cannot
 * reach the bundle), beside the assets it reads at run time. One bundle, loaded once, costs far less
 * resident memory than the source graph under type stripping: bench/services-memory.bench.ts.
 */
export async function buildService(serviceDir: string, { force = false } = {}): Promise<BuiltService> {
  const outDir = path.join(serviceDir, 'dist');
  // The catalog entry says how the service is built; the kit's bundle below is the Node.js runtime's.
  const runtime = runtimeOf(serviceDir);
  if (runtime.language === 'go') {
    await buildGoService(serviceDir, runtime, { force });
    return { outDir: path.join(serviceDir, path.dirname(runtime.artifact)), ...artifactDigest(serviceDir) };
  }
  const inputs = inputsDigest(serviceDir);
  // Unchanged inputs: keep the bundle, so a build never pulls dist/ from under a running service.
  if (!force && existsSync(path.join(outDir, FINGERPRINT)) && readFileSync(path.join(outDir, FINGERPRINT), 'utf8') === inputs) {
    return { outDir, ...artifactDigest(serviceDir) };
  }
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints: { main: path.join(serviceDir, 'src', 'main.ts') },
    outdir: tmp,
    // esbuild names modules by their path from its working folder: fixed to the service's folder,
    // the bundle's bytes do not depend on where the builder was started (npm -w runs in the
    // service's folder, the test setup and the pipeline at the root).
    absWorkingDir: serviceDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // What the code imports dynamically (the AWS SDK behind MSK's IAM auth, Amazon RDS's CA bundle)
    // goes to chunks of its own, read only when first used: a local service never loads them.
    // Chunks sit beside main.mjs, so code that reads files relative to its module finds them there.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minifySyntax: true,
    minifyWhitespace: true,
    keepNames: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'error',
    // Some dependencies are CommonJS and call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);" },
  });
  // The Kafka client's CRC32C is WebAssembly, read from beside the module that loads it.
  copyFileSync(path.join(path.dirname(require.resolve('@platformatic/wasm-utils')), 'native.wasm'), path.join(tmp, 'native.wasm'));
  cpSync(KIT_MIGRATIONS, path.join(tmp, 'kit-migrations'), { recursive: true });
  writeFileSync(path.join(tmp, FINGERPRINT), inputs);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return { outDir, ...artifactDigest(serviceDir) };
}

/** What the bundle is made of: the service's code, the shared packages' code, and the locked dependencies. */
function inputsDigest(serviceDir: string): string {
  const hash = createHash('sha256');
  const REPO = findRepoRoot(serviceDir);
  const roots = [
    path.join(serviceDir, 'src'),
    path.join(serviceDir, 'package.json'),
    ...(existsSync(path.join(REPO, 'packages')) ? readdirSync(path.join(REPO, 'packages')) : []).flatMap((p) => [path.join(REPO, 'packages', p, 'src'), path.join(REPO, 'packages', p, 'migrations')]),
    path.join(REPO, 'package-lock.json'),
  ];
  for (const root of roots.filter((r) => existsSync(r))) {
    for (const file of statSync(root).isDirectory() ? walk(root) : [root]) hash.update(file).update('\0').update(readFileSync(file));
  }
  return hash.digest('hex');
}

function walk(d: string): string[] {
  return readdirSync(d)
    .sort()
    .flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));
}
