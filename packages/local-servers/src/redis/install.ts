import path from 'node:path';
import { $, which } from 'zx';
import { repoRoot } from '../config.ts';
import type { Log } from '../system.ts';

/** Installs Debian's redis-server when it is missing (tools/redis/install-redis.sh: no server left running). */
export async function installRedis(log: Log): Promise<void> {
  if (await which('redis-server', { nothrow: true })) return;
  log("redis: installing Debian's redis-server");
  await $({ quiet: true })`bash ${path.join(repoRoot, 'tools', 'redis', 'install-redis.sh')}`;
}
