import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/**
 * How a service gets its own database on a PostgreSQL server, wherever that is done by code rather
 * than by a cloud API: the local stack's provider and the system tests' harness. The role owns the
 * database and PUBLIC loses CONNECT, so no other service's role can even open it.
 */
export interface OwnedDatabase {
  name: string;
  role: string;
  password: string;
}

/** A password for a new role: URL-safe, so it goes into a connection URL as it is. */
export function newRolePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Creates the login role and the database it owns, closed to everyone else. `admin` is a superuser connection. */
export async function createOwnedDatabase(admin: pg.ClientBase, db: OwnedDatabase): Promise<void> {
  const id = admin.escapeIdentifier(db.name);
  const role = admin.escapeIdentifier(db.role);
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(db.password)}`);
  await admin.query(`CREATE DATABASE ${id} OWNER ${role}`);
  await admin.query(`REVOKE ALL ON DATABASE ${id} FROM PUBLIC`);
}

/** Drops the database (closing its connections) and its role; either may be gone already. */
export async function dropOwnedDatabase(admin: pg.ClientBase, db: Pick<OwnedDatabase, 'name' | 'role'>): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(db.name)} WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(db.role)}`);
}

/** The URL the service connects with (its DATABASE_URL). */
export function ownedDatabaseUrl(server: { host: string; port: number | string }, db: OwnedDatabase): string {
  return `postgres://${encodeURIComponent(db.role)}:${encodeURIComponent(db.password)}@${server.host}:${server.port}/${encodeURIComponent(db.name)}`;
}
