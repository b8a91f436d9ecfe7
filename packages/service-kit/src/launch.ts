import path from 'node:path';
import { runtimeOf } from './build/runtime-of.ts';

/**
 * How every launcher runs a built service: the test harness, the local stack's supervisor and the
 * container's CMD. A small young generation, V8's optimize-for-size mode and two malloc arenas keep an
 * idle service's resident memory under its 120 MB budget (bench/services-memory.bench.ts: the mode saved
 * 5-8 MB a service, for about 9% more CPU per saga in bench:tracing); an I/O-bound service pays little.
 */
export const NODE_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'] as const;
export const LAUNCH_ENV = { MALLOC_ARENA_MAX: '2' } as const;
/** The bundle every launcher runs, relative to the service's folder (buildService writes it). */
export const BUNDLE_ENTRY = 'dist/main.mjs';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/**
 * The command that runs the service built in serviceDir (see buildService), as its catalog entry's
 * runtime says: the kit's bundle under Node with the flags above, or the runtime's launch command
 * (a Go binary), its relative paths taken from the service's folder.
 */
export function launchSpec(serviceDir: string, nodePath: string = process.execPath): LaunchSpec {
  const runtime = runtimeOf(serviceDir);
  if (runtime.language !== 'node') {
    const [program, ...args] = runtime.launch as [string, ...string[]];
    return { command: program.includes('/') ? path.join(serviceDir, program) : program, args, env: {}, cwd: serviceDir };
  }
  return { command: nodePath, args: [...NODE_FLAGS, path.join(serviceDir, BUNDLE_ENTRY)], env: { ...LAUNCH_ENV }, cwd: serviceDir };
}
