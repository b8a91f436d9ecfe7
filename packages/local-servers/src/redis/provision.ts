import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

export interface RedisUser {
  user: string;
  /** The prefix every key of the user must carry. */
  keyPrefix: string;
  /** What the service is given as REDIS_URL. */
  url: string;
}

/**
 * A service's own user on a shared Redis, as a PostgreSQL role is its own database: it may read and
 * write keys under `<user>:` only, and run no administrative command. Idempotent; a new password
 * each time (the caller hands the URL to the service).
 */
export async function createRedisUser(adminUrl: string, user: string): Promise<RedisUser> {
  const password = randomBytes(24).toString('hex');
  const keyPrefix = `${user}:`;
  await asAdmin(adminUrl, async (c) => {
    await c.sendCommand(['ACL', 'SETUSER', user, 'reset', 'on', `>${password}`, `~${keyPrefix}*`, '+@all', '-@admin', '-@dangerous', '-select']);
    // Into the server's ACL file: the user outlives a restart.
    await c.sendCommand(['ACL', 'SAVE']);
  });
  const u = new URL(adminUrl);
  return { user, keyPrefix, url: `redis://${encodeURIComponent(user)}:${password}@${u.hostname}:${u.port}/0` };
}

/** Whether the user exists; throws when the server cannot be reached. */
export async function redisUserExists(adminUrl: string, user: string): Promise<boolean> {
  let found = false;
  await asAdmin(adminUrl, async (c) => {
    found = (await c.sendCommand(['ACL', 'GETUSER', user])) !== null;
  });
  return found;
}

/** Removes the user and every key it owned. */
export async function dropRedisUser(adminUrl: string, user: string): Promise<void> {
  await asAdmin(adminUrl, async (c) => {
    await c.sendCommand(['ACL', 'DELUSER', user]);
    await c.sendCommand(['ACL', 'SAVE']);
    for await (const keys of c.scanIterator({ MATCH: `${user}:*`, COUNT: 500 })) if (keys.length > 0) await c.unlink(keys);
  });
}

const adminClient = (url: string) => createClient({ url });

async function asAdmin(url: string, work: (c: ReturnType<typeof adminClient>) => Promise<unknown>): Promise<void> {
  const client = adminClient(url);
  client.on('error', () => {});
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.close();
  }
}
