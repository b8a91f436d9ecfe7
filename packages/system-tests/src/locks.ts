import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';

/**
 * Which of the given processes holds an advisory lock in a database right now, by the database's
 * own account (pg_locks), not by what the processes claim: the lock's session's client port, then
 * the process that owns a socket on that port. Linux only (/proc). undefined while no one holds it.
 */
export async function advisoryLockHolder(adminUrl: string, database: string, key: number, pids: number[]): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let port: number | undefined;
  try {
    // A bigint key shows as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
    const { rows } = await client.query<{ client_port: number }>(
      `SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1 AND a.datname = $2`,
      [key, database],
    );
    port = rows[0]?.client_port;
  } finally {
    await client.end();
  }
  if (port === undefined) return undefined;
  const inodes = socketInodes(port);
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' }) as string;
        return inodes.has(target.replace(/^socket:\[(\d+)\]$/, '$1'));
      });
    } catch {
      return false; // the process is gone, or a descriptor closed while we looked
    }
  });
}

/** Inodes of TCP sockets bound locally to port. */
function socketInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`)) inodes.add(cols[9]!);
    }
  }
  return inodes;
}
