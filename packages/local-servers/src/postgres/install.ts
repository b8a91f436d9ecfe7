import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { $, which } from 'zx';
import { PrerequisiteError } from '../errors.ts';
import { isRoot, type Log } from '../system.ts';

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

/** Why PostgreSQL's server can be neither found nor installed here, or undefined when all is well. */
export async function postgresProblem(): Promise<string | undefined> {
  if (findPostgresBinDir()) return undefined;
  const none = `PostgreSQL server: no postgres/initdb under ${debianRoot}/*/bin`;
  if (!(await which('apt-get', { nothrow: true }))) return `${none} and no apt-get to install it; install Debian's "postgresql" package (or the PostgreSQL server of your system) by hand`;
  if (!isRoot()) return `${none}; installing it needs root: sudo apt-get update && sudo apt-get install -y postgresql`;
  return undefined;
}

/** Installs Debian's `postgresql` package when no server binaries are present; idempotent. */
export async function installPostgres(log: Log): Promise<string> {
  const present = findPostgresBinDir();
  if (present) {
    log(`postgres: server binaries present (${present})`);
    return present;
  }
  const problem = await postgresProblem();
  if (problem) throw new PrerequisiteError(problem);
  const aptGet = (await which('apt-get'))!;
  log('postgres: installing Debian package "postgresql" (apt-get update + install)...');
  const apt = $({ quiet: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  await apt`${aptGet} update`;
  await apt`${aptGet} install -y --no-install-recommends postgresql`;
  const installed = findPostgresBinDir();
  if (!installed) throw new PrerequisiteError(`apt-get installed postgresql but no server binaries appeared under ${debianRoot}/*/bin`);
  log(`postgres: installed (${installed})`);
  return installed;
}
