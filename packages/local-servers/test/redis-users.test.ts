import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionSettings } from '../src/config.ts';
import { createRedisUser, dropRedisUser, redisUserExists, type RedisUser } from '../src/redis/provision.ts';

// On the one local Redis, each service's user is what a PostgreSQL role is to its database: its
// own keys and nothing else, no administrative command (the servers command started it, with a password).
const admin = connectionSettings().redis.url;
const id = randomBytes(3).toString('hex');
const users: RedisUser[] = [];

afterAll(async () => {
  for (const u of users) await dropRedisUser(admin, u.user);
});

const client = (url: string) => createClient({ url, socket: { reconnectStrategy: false } });

async function as<T>(url: string, work: (c: ReturnType<typeof client>) => Promise<T>): Promise<T> {
  const c = client(url);
  c.on('error', () => {});
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.close();
  }
}

describe('a service\'s own Redis user', () => {
  it('reads and writes its own keys, and is refused another service\'s keys and the admin commands', async () => {
    const a = await createRedisUser(admin, `t${id}_alpha`);
    const b = await createRedisUser(admin, `t${id}_beta`);
    users.push(a, b);
    await as(a.url, async (c) => {
      await c.set(`${a.keyPrefix}x`, '1');
      expect(await c.get(`${a.keyPrefix}x`)).toBe('1');
      await expect(c.set(`${b.keyPrefix}x`, '1')).rejects.toThrow(/NOPERM/);
      await expect(c.flushAll()).rejects.toThrow(/NOPERM/);
    });
    await expect(as(a.url.replace(/:[0-9a-f]+@/, ':wrong@'), (c) => c.ping())).rejects.toThrow(/WRONGPASS|invalid/i);
  });

  it('is gone with its keys once dropped', async () => {
    const c = await createRedisUser(admin, `t${id}_gamma`);
    await as(c.url, (r) => r.set(`${c.keyPrefix}k`, 'v'));
    await dropRedisUser(admin, c.user);
    expect(await redisUserExists(admin, c.user)).toBe(false);
    expect(await as(admin, (r) => r.exists(`${c.keyPrefix}k`))).toBe(0);
  });
});
