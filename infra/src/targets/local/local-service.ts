import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { LocalStackConfig } from './config.ts';
import type { LocalServiceSpec } from './spec.ts';
import { KafkaTopic } from './providers/kafka-topic.ts';
import { PostgresDatabase } from './providers/postgres-database.ts';
import { ServiceProcess } from './providers/service-process.ts';
import { RedisUser } from './providers/redis-user.ts';
import { REDIS_KEY_PREFIX_ENV, STORE_URL_ENV } from '@msa/catalog';

export interface LocalServiceArgs {
  spec: LocalServiceSpec;
  config: LocalStackConfig['local'];
  /** Prefixed topic name for each catalog topic. */
  topicNames: Record<string, string>;
  runtimeDir: string;
  repoRoot: string;
}

/**
 * One catalog service on this machine: its own database and role, the topics it produces plus its
 * dead-letter topic, and its supervised processes wired to them through their outputs.
 */
export class LocalService extends pulumi.ComponentResource {
  /** The service's own store (catalog store.engine): one of the two. */
  readonly database?: PostgresDatabase;
  readonly redis?: RedisUser;
  readonly topics: KafkaTopic[];
  readonly url: string;
  private readonly serviceArgs: LocalServiceArgs;
  private started?: ServiceProcess;

  constructor(name: string, args: LocalServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:local:Service', name, {}, opts);
    const { spec, config } = args;
    const child = { parent: this };

    if (spec.database) this.database = new PostgresDatabase(`${name}-db`, { server: config.postgres, name: spec.database.name }, child);
    if (spec.redis) this.redis = new RedisUser(`${name}-redis`, { server: config.redis, name: spec.redis.user }, child);
    this.topics = spec.ownTopics.map(
      (topic) =>
        new KafkaTopic(
          `${name}-topic-${topic}`,
          { brokers: config.kafka.brokers, name: args.topicNames[topic] ?? topic, partitions: config.kafka.partitions },
          child,
        ),
    );
    this.url = spec.url;
    this.serviceArgs = args;
  }

  /** The service's processes; `start` must have been called. */
  get process(): ServiceProcess {
    if (!this.started) throw new Error(`${this.serviceArgs.spec.name}: start() was not called`);
    return this.started;
  }

  /**
   * Starts the supervised processes once every topic they use exists: its own, and those of other
   * services that it consumes (registered by their components, hence this second step).
   */
  start(consumedTopics: KafkaTopic[]): ServiceProcess {
    const { spec, config } = this.serviceArgs;
    const name = spec.name;

    const env: Record<string, pulumi.Input<string>> = {
      ...spec.launchEnv,
      ...spec.extraEnv,
      ...spec.serviceEnv,
      SERVICE_COMMIT: spec.commit,
      HOST: '127.0.0.1',
      ...(this.database ? { [STORE_URL_ENV.postgres]: this.database.url } : {}),
      ...(this.redis ? { [STORE_URL_ENV.redis]: this.redis.url, [REDIS_KEY_PREFIX_ENV]: this.redis.keyPrefix } : {}),
      // Joined from the topics' outputs so the process starts only once its topics exist.
      KAFKA_BROKERS: pulumi.all([...this.topics, ...consumedTopics].map((t) => t.brokers)).apply((lists) => [...new Set(lists.flat())].join(',') || config.kafka.brokers.join(',')),
    };

    this.started = new ServiceProcess(
      `${name}-process`,
      {
        service: spec.name,
        entry: spec.entry,
        nodeArgs: spec.nodeArgs,
        native: spec.native,
        artifact: spec.artifact,
        cwd: this.serviceArgs.repoRoot,
        port: spec.port,
        replicas: spec.replicas,
        version: spec.version,
        // Secret as a whole: it holds the store's password and any secret msa:local.env value.
        env: pulumi.secret(pulumi.output(env)),
        readinessUrl: `${spec.url}${spec.readinessPath}`,
        readinessTimeoutSeconds: config.readinessTimeoutSeconds,
        runtimeDir: path.join(this.serviceArgs.runtimeDir, spec.name),
      },
      { parent: this, dependsOn: [...(this.database ? [this.database] : []), ...(this.redis ? [this.redis] : []), ...this.topics, ...consumedTopics] },
    );
    this.registerOutputs({ url: this.url, pid: this.started.pid });
    return this.started;
  }
}
