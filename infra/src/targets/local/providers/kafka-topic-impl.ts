import { Admin } from '@platformatic/kafka';

interface Inputs {
  brokers: string[];
  name: string;
  partitions: number;
}

async function withAdmin<T>(brokers: string[], work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'msa-local-stack', bootstrapBrokers: brokers, connectTimeout: 5_000, timeout: 15_000, retries: 3 });
  try {
    return await work(admin);
  } catch (err) {
    throw new Error(`Kafka at ${brokers.join(',')}: ${(err as Error).message} (is it running? \`npm run servers -- start\`)`, { cause: err });
  } finally {
    await admin.close().catch(() => {});
  }
}

async function topicExists(admin: Admin, name: string) {
  return (await admin.listTopics()).includes(name);
}

export async function check(_olds: Inputs, news: Inputs) {
  const failures = [];
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(news.name ?? '')) failures.push({ property: 'name', reason: `"${news.name}" is not a valid Kafka topic name` });
  return { inputs: news, failures };
}

export async function create(inputs: Inputs) {
  await withAdmin(inputs.brokers, async (admin) => {
    if (await topicExists(admin, inputs.name)) {
      throw new Error(`topic "${inputs.name}" already exists: another stack owns it, or it was left behind`);
    }
    await admin.createTopics({ topics: [inputs.name], partitions: inputs.partitions, replicas: 1 });
    // Topic metadata spreads asynchronously; wait until the broker lists it so consumers can join.
    for (let i = 0; i < 50 && !(await topicExists(admin, inputs.name)); i++) await new Promise((r) => setTimeout(r, 100));
  });
  return { id: inputs.name, outs: inputs };
}

export async function diff(_id: string, olds: Inputs, news: Inputs) {
  const replaces = [];
  if (olds.name !== news.name) replaces.push('name');
  if (olds.partitions !== news.partitions) replaces.push('partitions');
  if (olds.brokers.join(',') !== news.brokers.join(',')) replaces.push('brokers');
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
}

export async function update(_id: string, _olds: Inputs, news: Inputs) {
  return { outs: news };
}

export async function read(id: string, props: Inputs) {
  const exists = await withAdmin(props.brokers, (admin) => topicExists(admin, props.name));
  return exists ? { id, props } : { id: '', props: {} };
}

export async function remove(_id: string, props: Inputs) {
  await withAdmin(props.brokers, async (admin) => {
    if (await topicExists(admin, props.name)) await admin.deleteTopics({ topics: [props.name] });
    // Deletion completes asynchronously; wait, so a following `up` can create the name again.
    for (let i = 0; i < 100 && (await topicExists(admin, props.name)); i++) await new Promise((r) => setTimeout(r, 100));
  });
}
