import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GoRuntime } from '@msa/catalog';
import { BUILD_FINGERPRINT } from './artifact.ts';

const run = promisify(execFile);

/**
 * Builds a Go service with its runtime's build command in its folder: one static binary (no cgo,
 * so it runs on a distroless image), reproducible (-trimpath, no VCS stamp), modules as go.sum pins
 * them. Skipped when the module's files are unchanged, like the kit's bundle.
 */
export async function buildGoService(serviceDir: string, runtime: GoRuntime, { force = false } = {}): Promise<void> {
  const fingerprint = path.join(serviceDir, path.dirname(runtime.artifact), BUILD_FINGERPRINT);
  const inputs = goInputsDigest(serviceDir, runtime);
  if (!force && existsSync(path.join(serviceDir, runtime.artifact)) && existsSync(fingerprint) && readFileSync(fingerprint, 'utf8') === inputs) return;
  const [program, ...args] = runtime.build as [string, ...string[]];
  try {
    await run(program, args, { cwd: serviceDir, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${path.basename(serviceDir)}: \`${runtime.build.join(' ')}\` failed (catalog runtime.build):\n${e.stderr || e.message}`, { cause: error });
  }
  if (!existsSync(path.join(serviceDir, runtime.artifact))) {
    throw new Error(`${path.basename(serviceDir)}: the build wrote no ${runtime.artifact} (catalog runtime.artifact)`);
  }
  writeFileSync(fingerprint, inputs);
}

/** The module's sources, go.mod and go.sum, and the toolchain: what the binary is made of. */
function goInputsDigest(serviceDir: string, runtime: GoRuntime): string {
  const hash = createHash('sha256').update(runtime.build.join('\0')).update(process.env.GOTOOLCHAIN ?? '');
  const out = path.dirname(runtime.artifact);
  const visit = (rel: string) => {
    const abs = path.join(serviceDir, rel);
    if (statSync(abs).isDirectory()) {
      if (rel === out || rel === 'node_modules') return;
      for (const name of readdirSync(abs).sort()) visit(rel ? path.join(rel, name) : name);
    } else hash.update(rel).update('\0').update(readFileSync(abs));
  };
  visit('');
  return hash.digest('hex');
}
