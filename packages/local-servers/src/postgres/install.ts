import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import { PrerequisiteError } from '../errors.ts';
import { isRoot, type Log, requireCommand } from '../system.ts';

const debianRoot = '/usr/lib/postgresql';

/** The bin folder of the newest PostgreSQL server that Debian's packages installed, if any. */
export function findPostgresBinDir(): string | undefined {
  if (!existsSync(debianRoot)) return undefined;
  return readdirSync(debianRoot)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(debianRoot, version, 'bin'))
    .find((bin) => existsSync(path.join(bin, 'postgres')) && existsSync(path.join(bin, 'initdb')));
}

/** Installs Debian's `postgresql` package when no server binaries are present; idempotent. */
export async function installPostgres(log: Log): Promise<string> {
  const present = findPostgresBinDir();
  if (present) {
    log(`postgres: server binaries present (${present})`);
    return present;
  }
  const aptGet = await requireCommand(
    'apt-get',
    `no PostgreSQL server binaries under ${debianRoot}/*/bin and no apt-get to install them; install PostgreSQL's server (Debian package "postgresql") by hand.`,
  );
  if (!isRoot()) {
    throw new PrerequisiteError(
      `No PostgreSQL server binaries under ${debianRoot}/*/bin. Install them as root: sudo apt-get update && sudo apt-get install -y postgresql`,
    );
  }
  log('postgres: installing Debian package "postgresql" (apt-get update + install)...');
  const apt = $({ quiet: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  await apt`${aptGet} update`;
  await apt`${aptGet} install -y --no-install-recommends postgresql`;
  const installed = findPostgresBinDir();
  if (!installed) throw new PrerequisiteError(`apt-get installed postgresql but no server binaries appeared under ${debianRoot}/*/bin`);
  log(`postgres: installed (${installed})`);
  return installed;
}
