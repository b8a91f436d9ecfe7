import { existsSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import type { ServersConfig } from '../config.ts';
import { repoRoot } from '../config.ts';
import type { Log } from '../system.ts';

/** The Jaeger v2 binary that tools/jaeger/setup.sh builds from the Go module proxy. */
export const jaegerBinary = (config: ServersConfig) => path.join(config.toolsDir, 'jaeger', 'bin', 'jaeger');

export const isJaegerInstalled = (config: ServersConfig) => existsSync(jaegerBinary(config));

/** Builds Jaeger once (several minutes on a small machine; Go's caches make a rebuild quick). */
export async function installJaeger(config: ServersConfig, log: Log): Promise<void> {
  if (isJaegerInstalled(config)) return;
  log('jaeger: building the trace store from the Go module proxy (tools/jaeger/setup.sh)');
  await $({ quiet: true, env: { ...process.env, MSA_JAEGER_BIN: path.dirname(jaegerBinary(config)) } })`bash ${path.join(repoRoot, 'tools/jaeger/setup.sh')}`;
}
