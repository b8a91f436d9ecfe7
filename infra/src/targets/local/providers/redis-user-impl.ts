import { createRedisUser, dropRedisUser, loadConfig, redisPassword, redisUserExists } from '@msa/local-servers';
import type { RedisServer } from './redis-user.ts';

interface Inputs {
  server: RedisServer;
  name: string;
}
interface Outputs extends Inputs {
  keyPrefix: string;
  url: string;
}

/** The admin URL of the servers command's Redis: its password is kept beside its data. */
function adminUrl(server: RedisServer): string {
  const password = redisPassword(loadConfig());
  if (!password) throw new Error(`no Redis admin password under ${loadConfig().redis.dir}: start the local servers with \`npm run servers -- start\``);
  return `redis://default:${encodeURIComponent(password)}@${server.host}:${server.port}/0`;
}

async function exists(server: RedisServer, name: string): Promise<boolean> {
  try {
    return await redisUserExists(adminUrl(server), name);
  } catch (err) {
    throw new Error(`cannot reach Redis at ${server.host}:${server.port}: ${(err as Error).message} (start the local servers with \`npm run servers -- start\`)`);
  }
}

export async function check(_olds: Inputs, news: Inputs) {
  const failures = [];
  if (!/^[a-z][a-z0-9_-]{0,62}$/.test(news.name ?? '')) failures.push({ property: 'name', reason: `"${news.name}" is not a lowercase user name` });
  return { inputs: news, failures };
}

export async function create(inputs: Inputs) {
  if (await exists(inputs.server, inputs.name)) {
    throw new Error(`Redis user "${inputs.name}" already exists on ${inputs.server.host}:${inputs.server.port}: another stack owns it, or it was left behind`);
  }
  const user = await createRedisUser(adminUrl(inputs.server), inputs.name);
  const outs: Outputs = { ...inputs, keyPrefix: user.keyPrefix, url: user.url };
  return { id: inputs.name, outs };
}

export async function diff(_id: string, olds: Outputs, news: Inputs) {
  const replaces = [];
  if (olds.name !== news.name) replaces.push('name');
  if (olds.server.host !== news.server.host || olds.server.port !== news.server.port) replaces.push('server');
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
}

export async function update(_id: string, olds: Outputs, news: Inputs) {
  return { outs: { ...olds, server: news.server } };
}

export async function read(id: string, props: Outputs) {
  // An empty id tells the engine the user is gone, so refresh drops it and `up` recreates it.
  return (await exists(props.server, props.name)) ? { id, props } : { id: '', props: {} };
}

export async function remove(_id: string, props: Outputs) {
  await dropRedisUser(adminUrl(props.server), props.name);
}
