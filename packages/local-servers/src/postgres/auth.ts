import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServersConfig } from '../config.ts';
import { isRoot } from '../system.ts';

/** The pg_ident.conf map that lets the OS user running the servers connect as the admin role over the socket. */
export const ADMIN_MAP = 'admin';

/**
 * Who may log in, and how (PostgreSQL's pg_hba.conf, first match wins):
 * - the admin role (`postgres`, a superuser) only over the unix socket, and only for the OS users of pg_ident.conf (peer);
 *   the socket's folder is 0700, so no other local user even reaches it;
 * - the admin role never over TCP, so a leaked port cannot be used to run `COPY ... TO PROGRAM`;
 * - every other role (each service's own) over 127.0.0.1 with its SCRAM-SHA-256 password, which is really checked;
 * - nothing else: no line matches, so the connection is refused.
 */
export function hbaLines(config: ServersConfig): string[] {
  const admin = config.postgres.user;
  return [
    '# Written by @msa/local-servers on every start; edits are overwritten (packages/local-servers/src/postgres/auth.ts).',
    `local all ${admin} peer map=${ADMIN_MAP}`,
    `host all ${admin} ${config.host}/32 reject`,
    `host all all ${config.host}/32 scram-sha-256`,
    '',
  ];
}

/** The OS users that act as the admin: whoever runs the servers' commands, and as root the `postgres` user the server runs as. */
export function identLines(config: ServersConfig, serviceUser: string): string[] {
  const users = new Set([os.userInfo().username, ...(isRoot() ? [serviceUser] : [])]);
  return [
    '# Written by @msa/local-servers on every start: OS users that may connect over the socket as the admin role.',
    ...[...users].map((u) => `${ADMIN_MAP} ${u} ${config.postgres.user}`),
    '',
  ];
}

/** Writes pg_hba.conf and pg_ident.conf (0600, owned by the server's user) and closes the socket folder (0700). */
export function writeAuthConfig(config: ServersConfig, serviceUser: string, owner?: { uid: number; gid: number }): void {
  const files: [string, string[]][] = [['pg_hba.conf', hbaLines(config)], ['pg_ident.conf', identLines(config, serviceUser)]];
  for (const [name, lines] of files) {
    const file = path.join(config.postgres.dataDir, name);
    writeFileSync(file, lines.join('\n'), { mode: 0o600 });
    chmodSync(file, 0o600);
    if (owner) chownSync(file, owner.uid, owner.gid);
  }
  chmodSync(config.postgres.socketDir, 0o700);
}

/** Server settings that go with it: the socket itself private, passwords stored as SCRAM verifiers. */
export const AUTH_SETTINGS = ['-c unix_socket_permissions=0700', '-c password_encryption=scram-sha-256'];
